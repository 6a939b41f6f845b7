package dev.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.TestServers;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outside the embedded default, Berth will not start without a signing secret of at least 32 bytes. */
class SigningKeyConfigTest {

    private static Map<String, Object> externalServersWith(String secret) {
        var properties = new HashMap<String, Object>(TestServers.properties());
        properties.remove("berth.jwt.secret");
        if (secret != null) properties.put("berth.jwt.secret", secret);
        return properties;
    }

    @Test
    void aMissingSecretStopsStartUp() {
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, externalServersWith(null)).close())
                .hasStackTraceContaining("BERTH_JWT_SECRET is required");
    }

    @Test
    void aShortSecretStopsStartUp() {
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, externalServersWith("too-short")).close())
                .hasStackTraceContaining("at least 32 bytes");
    }

    @Test
    void aLongEnoughSecretStarts() {
        try (var server = ApplicationContext.run(EmbeddedServer.class, externalServersWith("x".repeat(32)))) {
            assertThat(server.isRunning()).isTrue();
        }
    }
}
