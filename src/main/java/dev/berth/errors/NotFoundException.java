package dev.berth.errors;

/** A missing object, or one of another team: the two are indistinguishable on purpose. */
public final class NotFoundException extends BerthException {
    public NotFoundException(String type, Object id) {
        super(type + " " + id + " not found", null);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.NOT_FOUND;
    }
}
