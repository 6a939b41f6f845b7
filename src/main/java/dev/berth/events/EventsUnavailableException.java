package dev.berth.events;

/**
 * Dragonfly is unreachable, so live events cannot be delivered: a subscription ends with this (graphql-ws closes
 * 1013, Try Again Later) instead of silently missing events, and the client reconnects and refetches once Dragonfly is back.
 */
public final class EventsUnavailableException extends RuntimeException {
    public EventsUnavailableException(String what) {
        super(what);
    }
}
