package dev.berth.execution;

import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;

/** SSH could not be used: refused, timed out, authentication failed, or the host key is not the pinned one. */
public final class ServerUnreachableException extends BerthException {
    public ServerUnreachableException(String reason, Throwable cause) {
        super(reason, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.SERVER_UNREACHABLE;
    }
}
