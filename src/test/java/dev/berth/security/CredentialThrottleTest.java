package dev.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestServers;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refused credentials (forged JWTs, unknown tokens) count per address: past the limit, 429; valid ones still pass. */
@MicronautTest
class CredentialThrottleTest extends BerthTestBase {
    private static final String FORGED_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.rate-limit.refused-credentials-per-minute", "5");
    }

    @BeforeEach
    void forgetRefusalsFromLoopback() {
        dev.berth.testing.RedisChannels.forget("berth:rl:refused-credentials:127.0.0.1");
    }

    @Test
    void aFloodOfBadTokensAndForgedJwtsGets429() {
        var valid = user().http(); // signed up before the flood: a valid session keeps working throughout
        for (int i = 0; i < 5; i++) {
            var bearer = i % 2 == 0 ? FORGED_JWT : "berth_pat_forged-" + i;
            assertThat(anonymous().as(bearer).post("{ __typename }").status()).isEqualTo(401);
        }
        var limited = anonymous().as("berth_pat_forged-6").post("{ __typename }");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.firstErrorCode()).isEqualTo("RATE_LIMITED");
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(anonymous().as(FORGED_JWT).post("{ __typename }").status()).isEqualTo(429);
        try (var ws = WsClient.connect(server.getURI())) {
            ws.send(Map.of("type", "connection_init", "payload", Map.of("authorization", "Bearer " + FORGED_JWT)));
            assertThat(ws.awaitClose(Duration.ofSeconds(10))).isEqualTo(4429);
        }
        assertThat(valid.post("{ me { user { id } } }").status()).isEqualTo(200);
    }
}
