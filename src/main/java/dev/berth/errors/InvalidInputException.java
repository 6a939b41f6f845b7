package dev.berth.errors;

import java.util.Map;

/** An argument failed validation; {@code field} names it (e.g. {@code input.name}). Never echoes the value. */
public final class InvalidInputException extends BerthException {
    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem, null);
        this.field = field;
    }

    public String field() {
        return field;
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.BAD_USER_INPUT;
    }

    @Override
    public Map<String, Object> extensions() {
        return Map.of("field", field);
    }
}
