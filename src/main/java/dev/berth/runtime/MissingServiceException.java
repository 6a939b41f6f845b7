package dev.berth.runtime;

/** Start-up fails with this when a required service is neither configured nor available embedded. */
public final class MissingServiceException extends IllegalStateException {
    public MissingServiceException(String variable) {
        super(variable + " is not set and this build has no embedded servers (it was built with -Dproduction)");
    }
}
