package dev.berth.api;

import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;

/** The request itself is malformed (not JSON, no query, batched, ...): nothing executes. */
final class RequestRejectedException extends BerthException {
    RequestRejectedException(String message) {
        super(message, null);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.BAD_REQUEST;
    }
}
