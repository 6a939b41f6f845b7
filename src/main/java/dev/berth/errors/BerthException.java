package dev.berth.errors;

import java.util.Map;

/** Every error a client may see. {@code api/ErrorMapping} turns it into a GraphQL error; its message is public. */
public abstract class BerthException extends RuntimeException {
    protected BerthException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract ErrorCode code();

    /** Extra {@code extensions} entries beside {@code code} and {@code requestId}. */
    public Map<String, Object> extensions() {
        return Map.of();
    }
}
