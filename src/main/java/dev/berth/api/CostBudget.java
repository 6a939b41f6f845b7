package dev.berth.api;

import dev.berth.errors.RateLimitedException;
import dev.berth.events.RedisKeys;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Spends a document's cost from the caller's per-minute budget, shared by every Berth node through Dragonfly without a
 * round trip per request ({@link dev.berth.ratelimit.SharedBudgets}: the bound across nodes is documented there).
 */
@Singleton
final class CostBudget {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final dev.berth.ratelimit.SharedBudgets limiter;
    private final RateLimitProperties properties;

    CostBudget(dev.berth.ratelimit.SharedBudgets limiter, RateLimitProperties properties) {
        this.limiter = limiter;
        this.properties = properties;
    }

    /** @throws RateLimitedException when this document would exceed the caller's budget */
    void spend(Viewer viewer, long cost) {
        if (!properties.enabled()) return;
        String key;
        long limit;
        if (viewer.tokenId() != null) {
            key = RedisKeys.rateLimit("cost:token", viewer.tokenId());
            limit = properties.costPerMinute();
        } else if (viewer.userId() != null) {
            key = RedisKeys.rateLimit("cost:user", viewer.userId());
            limit = properties.costPerMinute();
        } else {
            key = RedisKeys.rateLimit("cost:ip", viewer.client().ip());
            limit = properties.anonymousCostPerMinute();
        }
        var outcome = limiter.spend(key, cost, limit, WINDOW);
        if (!outcome.allowed()) {
            throw new RateLimitedException("Query cost budget of " + limit + " per minute exceeded.", outcome.retryAfter());
        }
    }
}
