package dev.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.TestServers;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void aLongEnoughRandomSecretStarts() {
        try (var server = ApplicationContext.run(EmbeddedServer.class, externalServersWith("k7Qw9zP2mX4vB8nR1tY6uE3sL5aJ0cHd"))) {
            assertThat(server.isRunning()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"change-me-to-64-hex-characters-from-openssl-rand", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "abababababababababababababababababab", "my-placeholder-secret-for-the-jwt-signing-1234"})
    void placeholderAndLowEntropySecretsStopStartUp(String secret) {
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, externalServersWith(secret)).close())
                .hasStackTraceContaining("BERTH_JWT_SECRET is refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000000000000000000000000000000000000000000000000000000000000000",
            "0101010101010101010101010101010101010101010101010101010101010101"})
    void placeholderMasterKeysStopStartUp(String key) {
        var properties = externalServersWith(TestServers.JWT_SECRET);
        properties.put("berth.master-key", key);
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, properties).close())
                .hasStackTraceContaining("BERTH_MASTER_KEY is refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"m", "changeme-changeme", "aaaaaaaaaaaaaaaaaaaaaaaa"})
    void aWeakMetricsTokenStopsStartUpNotTheFirstScrape(String token) {
        var properties = externalServersWith(TestServers.JWT_SECRET);
        properties.put("berth.metrics.token", token);
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, properties).close())
                .hasStackTraceContaining("BERTH_METRICS_TOKEN is refused");
    }
}
