package dev.berth.errors;

/** No valid credentials: missing where required, malformed, expired, revoked, or signed wrongly. */
public final class UnauthenticatedException extends BerthException {
    public UnauthenticatedException(String message) {
        super(message, null);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UNAUTHENTICATED;
    }
}
