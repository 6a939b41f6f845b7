package dev.berth.identity;

import dev.berth.api.Viewer;
import dev.berth.errors.RateLimitedException;
import dev.berth.events.RedisKeys;
import dev.berth.ratelimit.RateLimiter;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Slows password guessing: every attempt counts against the caller's IP, and failures count against the
 * account, in Dragonfly so that every node sees the same counts. Aliased logins in one document count one by one.
 */
@Singleton
final class LoginThrottle {
    static final int ATTEMPTS_PER_IP_PER_MINUTE = 30;
    static final int FAILURES_PER_ACCOUNT = 10;
    static final Duration ACCOUNT_WINDOW = Duration.ofMinutes(15);

    private final RateLimiter limiter;

    LoginThrottle(RateLimiter limiter) {
        this.limiter = limiter;
    }

    void beforeAttempt(String emailNormalized, Viewer.Client client) {
        var ip = limiter.spend(RedisKeys.rateLimit("login:ip", client.ip()), 1, ATTEMPTS_PER_IP_PER_MINUTE, Duration.ofMinutes(1));
        if (!ip.allowed()) throw new RateLimitedException("Too many login attempts from this address.", ip.retryAfter());
        var account = limiter.peek(accountKey(emailNormalized), FAILURES_PER_ACCOUNT);
        if (!account.allowed()) throw new RateLimitedException("Too many failed logins for this account.", account.retryAfter());
    }

    void failed(String emailNormalized) {
        limiter.spend(accountKey(emailNormalized), 1, FAILURES_PER_ACCOUNT, ACCOUNT_WINDOW);
    }

    void succeeded(String emailNormalized) {
        limiter.reset(accountKey(emailNormalized));
    }

    private static String accountKey(String emailNormalized) {
        return RedisKeys.rateLimit("login:account", SecretTokens.hash(emailNormalized));
    }
}
