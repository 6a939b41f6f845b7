package dev.berth.errors;

import java.time.Duration;
import java.util.Map;

/** Over a rate budget; {@code extensions.retryAfter} says how many seconds to wait. */
public final class RateLimitedException extends BerthException {
    private final Duration retryAfter;

    public RateLimitedException(String message, Duration retryAfter) {
        super(message, null);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.RATE_LIMITED;
    }

    @Override
    public Map<String, Object> extensions() {
        return Map.of("retryAfter", Math.max(1, retryAfter.toSeconds()));
    }
}
