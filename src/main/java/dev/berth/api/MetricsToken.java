package dev.berth.api;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code BERTH_METRICS_TOKEN}, what Prometheus scrapes with: checked at start-up like the other secrets (a weak one
 * stops the start, not the first scrape) and kept only as its SHA-256, compared in constant time. Made early and
 * depending on nothing, so it changes no other bean's order.
 */
@Context
final class MetricsToken {
    /** Null when no token is configured. */
    private final byte[] digest;

    MetricsToken(@Nullable @Value("${berth.metrics.token:}") String token) {
        if (token != null && !token.isBlank()) {
            dev.berth.secrets.SecretStrength.requireStrongText("BERTH_METRICS_TOKEN", token);
            this.digest = digest(token.getBytes(StandardCharsets.UTF_8));
        } else {
            this.digest = null;
        }
    }

    /** True when {@code presented} (a bearer token's bytes) is the configured token. */
    boolean presentedBy(byte[] presented) {
        return digest != null && MessageDigest.isEqual(digest(presented), digest);
    }

    private static byte[] digest(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
