package dev.berth.errors;

import java.util.Map;

/** The change clashes with existing state, e.g. a name already taken in the team; {@code field} names the input, if one. */
public final class ConflictException extends BerthException {
    private final String field;

    public ConflictException(String message) {
        this(null, message);
    }

    public ConflictException(String field, String message) {
        super(message, null);
        this.field = field;
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.CONFLICT;
    }

    @Override
    public Map<String, Object> extensions() {
        return field == null ? Map.of() : Map.of("field", field);
    }
}
