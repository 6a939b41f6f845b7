package dev.berth.errors;

/** The action is allowed in general but breaks a rule here (e.g. the last owner leaving the team). */
public final class PolicyViolationException extends BerthException {
    public PolicyViolationException(String message) {
        super(message, null);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.POLICY_VIOLATION;
    }
}
