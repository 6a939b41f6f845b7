package dev.berth.ratelimit;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fixed-window budgets in Dragonfly, shared by every Berth node: {@code spend} adds to a key's window and
 * says whether the budget still holds. One Lua script per call, declaring the one key it touches, sent by its
 * SHA1 (EVALSHA) once Dragonfly knows it. While Dragonfly is unreachable, budgets fail open: the API keeps
 * answering, each skipped check counts in {@code berth_rate_limit_unavailable_total}, and a warning is logged at
 * most once a minute; limits apply again as soon as Dragonfly answers.
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

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RateLimiter.class);
    /** What a call answers when Dragonfly did not: allowed, unknown usage (compared by identity). */
    static final Outcome UNCHECKED = new Outcome(true, 0, Duration.ZERO);

    private final StatefulRedisConnection<String, String> redis;
    private final io.micrometer.core.instrument.Counter unavailable;
    private final java.util.concurrent.atomic.AtomicLong lastWarning = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Map<String, String> shas = new java.util.concurrent.ConcurrentHashMap<>();

    RateLimiter(StatefulRedisConnection<String, String> redis, io.micrometer.core.instrument.MeterRegistry meters) {
        this.redis = redis;
        this.unavailable = meters.counter("berth.rate.limit.unavailable");
    }

    /** Adds {@code amount} to the window of {@code key} (created with length {@code window}). */
    public Outcome spend(String key, long amount, long limit, Duration window) {
        List<Long> result = eval(SPEND, key, String.valueOf(amount), String.valueOf(window.toMillis()));
        if (result == null) return UNCHECKED;
        return new Outcome(result.get(0) <= limit, result.get(0), Duration.ofMillis(Math.max(0, result.get(1))));
    }

    /** Reads a window without spending from it. */
    public Outcome peek(String key, long limit) {
        List<Long> result = eval(PEEK, key);
        if (result == null) return UNCHECKED;
        return new Outcome(result.get(0) < limit, result.get(0), Duration.ofMillis(Math.max(0, result.get(1))));
    }

    public void reset(String key) {
        if (!redis.isOpen()) return;
        try {
            await(redis.async().del(key));
        } catch (IllegalStateException e) {
            skipped(e);
        }
    }

    /** The script's result, or null when Dragonfly did not answer (the check is skipped: fail open). */
    private List<Long> eval(String script, String key, String... args) {
        if (!redis.isOpen()) {
            // disconnected: Lettuce would queue the command until its timeout; skip at once instead
            skipped(new IllegalStateException("Dragonfly is unreachable"));
            return null;
        }
        try {
            var sha = shas.get(script);
            if (sha != null) {
                try {
                    return await(redis.async().<List<Long>>evalsha(sha, ScriptOutputType.MULTI, new String[] {key}, args));
                } catch (IllegalStateException e) {
                    if (!String.valueOf(e.getCause()).contains("NOSCRIPT")) throw e;
                    // Dragonfly restarted and forgot the script: send it again below
                }
            }
            shas.put(script, await(redis.async().scriptLoad(script)));
            return await(redis.async().<List<Long>>evalsha(shas.get(script), ScriptOutputType.MULTI, new String[] {key}, args));
        } catch (IllegalStateException e) {
            skipped(e);
            return null;
        }
    }

    private void skipped(IllegalStateException e) {
        unavailable.increment();
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warn("event=rate-limit-unavailable action=fail-open error={}", e.getCause() == null ? e : e.getCause().getClass().getSimpleName());
        }
    }

    private static <T> T await(io.lettuce.core.RedisFuture<T> future) {
        try {
            return future.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rate limiting", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("rate limiter unavailable", e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("rate limiter unavailable", e);
        }
    }
}
