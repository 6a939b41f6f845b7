package dev.berth.events;

/** A live subscriber did not keep up; its stream ends rather than growing memory. */
public final class SubscriberTooSlowException extends RuntimeException {
    public SubscriberTooSlowException(String channel) {
        super("subscriber fell too far behind on " + channel);
    }
}
