package dev.berth.errors;

/** Authenticated, but the role or token scopes do not allow this action. */
public final class ForbiddenException extends BerthException {
    public ForbiddenException(String message) {
        super(message, null);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.FORBIDDEN;
    }
}
