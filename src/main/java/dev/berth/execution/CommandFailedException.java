package dev.berth.execution;

import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;

/** A remote command exited non-zero. Names the program and exit code only: arguments may hold user data. */
public final class CommandFailedException extends BerthException {
    public CommandFailedException(String program, int exitCode) {
        super(program + " exited with " + exitCode, null);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.INTERNAL;
    }
}
