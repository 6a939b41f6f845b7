package dev.berth.errors;

/** The change clashes with existing state, e.g. a name already taken in the team. */
public final class ConflictException extends BerthException {
    public ConflictException(String message) {
        super(message, null);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.CONFLICT;
    }
}
