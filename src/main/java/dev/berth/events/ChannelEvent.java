package dev.berth.events;

/**
 * An application event that goes to Dragonfly once its transaction commits: publish it with Micronaut's
 * {@code ApplicationEventPublisher} inside the transaction, and {@link AfterCommitRelay} does the rest.
 */
public interface ChannelEvent {
    /** The pub/sub channel, {@code berth:<team>:<kind>[:<id>]}. */
    String channel();
}
