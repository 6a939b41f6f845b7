package dev.berth.ratelimit;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fixed-window budgets in Dragonfly, shared by every Berth node: {@code spend} adds to a key's window and
 * says whether the budget still holds. One Lua script per call, declaring the one key it touches.
 */
@Singleton
public final class RateLimiter {
    private static final String SPEND = """
            local used = redis.call('INCRBY', KEYS[1], ARGV[1])
            if used == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
            return {used, ttl}
            """;
    private static final String PEEK = """
            local used = tonumber(redis.call('GET', KEYS[1]) or '0')
            local ttl = redis.call('PTTL', KEYS[1])
            return {used, ttl}
            """;

    /** Usage of a window after a call: {@code allowed} is false once usage exceeds the limit. */
    public record Outcome(boolean allowed, long used, Duration retryAfter) {}

    private final StatefulRedisConnection<String, String> redis;

    RateLimiter(StatefulRedisConnection<String, String> redis) {
        this.redis = redis;
    }

    /** Adds {@code amount} to the window of {@code key} (created with length {@code window}). */
    public Outcome spend(String key, long amount, long limit, Duration window) {
        List<Long> result = eval(SPEND, key, String.valueOf(amount), String.valueOf(window.toMillis()));
        return new Outcome(result.get(0) <= limit, result.get(0), Duration.ofMillis(Math.max(0, result.get(1))));
    }

    /** Reads a window without spending from it. */
    public Outcome peek(String key, long limit) {
        List<Long> result = eval(PEEK, key);
        return new Outcome(result.get(0) < limit, result.get(0), Duration.ofMillis(Math.max(0, result.get(1))));
    }

    public void reset(String key) {
        await(redis.async().del(key));
    }

    private List<Long> eval(String script, String key, String... args) {
        return await(redis.async().<List<Long>>eval(script, ScriptOutputType.MULTI, new String[] {key}, args));
    }

    private static <T> T await(io.lettuce.core.RedisFuture<T> future) {
        try {
            return future.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rate limiting", e);
        } catch (Exception e) {
            throw new IllegalStateException("rate limiter unavailable", e);
        }
    }
}
