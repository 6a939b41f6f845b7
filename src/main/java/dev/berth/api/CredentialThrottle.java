package dev.berth.api;

import dev.berth.errors.RateLimitedException;
import dev.berth.errors.UnauthenticatedException;
import dev.berth.events.RedisKeys;
import dev.berth.ratelimit.RateLimiter;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Objects;

/**
 * Resolves credentials for both transports and counts the refused ones per client address: past
 * {@code berth.rate-limit.refused-credentials-per-minute}, refused credentials from that address get
 * RATE_LIMITED (HTTP 429, a signal to stop) instead of UNAUTHENTICATED. Valid credentials from the same address
 * keep working, so a flood from behind a shared NAT cannot lock its neighbours out; a refusal costs a signature
 * check or one indexed lookup of a hash.
 */
@Singleton
final class CredentialThrottle {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final ViewerResolver viewers;
    private final RateLimiter limiter;
    private final RateLimitProperties properties;

    CredentialThrottle(ViewerResolver viewers, RateLimiter limiter, RateLimitProperties properties) {
        this.viewers = viewers;
        this.limiter = limiter;
        this.properties = properties;
    }

    /**
     * @throws UnauthenticatedException for refused credentials
     * @throws RateLimitedException     once this address sent too many refused credentials this minute
     */
    Viewer resolve(@Nullable String authorization, @Nullable String team, Viewer.Client client) {
        if (authorization == null || authorization.isBlank() || !properties.enabled()) return viewers.resolve(authorization, team, client);
        try {
            return viewers.resolve(authorization, team, client);
        } catch (UnauthenticatedException refused) {
            var key = RedisKeys.rateLimit("refused-credentials", Objects.requireNonNullElse(client.ip(), "unknown"));
            var window = limiter.spend(key, 1, properties.refusedCredentialsPerMinute(), WINDOW);
            if (!window.allowed()) throw new RateLimitedException("Too many refused credentials from your address.", window.retryAfter());
            throw refused;
        }
    }
}
