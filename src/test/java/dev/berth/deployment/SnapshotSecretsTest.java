package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pure: what a deployment's log masks: every secret value and, for a URL carrying a password, that password decoded. */
class SnapshotSecretsTest {
    @Test
    void aLinkedUrlsPasswordIsMaskedBareToo() {
        var environment = new Snapshot.Environment(Map.of(
                "DATABASE_URL", "postgresql://postgres:p%27%22%24%28id%29%5Cn%60%21@127.0.0.1:5432/shop",
                "CACHE_URL", "redis://:s3cr%2Bt@cache:6379",
                "TOKEN", "plain-secret",
                "PUBLIC", "http://user:notsecret@example.test"), Set.of("DATABASE_URL", "CACHE_URL", "TOKEN"), Set.of());
        assertThat(environment.secretValues()).contains("p'\"$(id)\\n`!", "s3cr+t", "plain-secret",
                "postgresql://postgres:p%27%22%24%28id%29%5Cn%60%21@127.0.0.1:5432/shop").doesNotContain("notsecret");
        assertThat(Snapshot.Environment.urlPassword("https://example.test/a:b@c")).isNull();
        assertThat(Snapshot.Environment.urlPassword("not a url")).isNull();
    }
}
