package dev.berth.events;

import reactor.core.publisher.Flux;

/**
 * Cross-process events over Dragonfly pub/sub. Channels are {@code berth:<team>:<kind>[:<id>]}; payloads are
 * small JSON records (ids and plain values, never entities or secrets).
 */
public interface EventBus {

    /** Publishes after the caller's transaction committed (callers use a transactional event listener). */
    void publish(String channel, Object event);

    /**
     * Follows a channel. The Redis subscription is in place before the returned flux emits its first item;
     * a subscriber that falls more than the configured buffer behind gets {@link SubscriberTooSlowException}.
     */
    <T> Flux<T> subscribe(String channel, Class<T> type);
}
