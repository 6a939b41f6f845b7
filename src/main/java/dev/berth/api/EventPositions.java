package dev.berth.api;

import graphql.schema.DataFetchingEnvironment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToLongFunction;
import reactor.core.publisher.Flux;

/**
 * Where each event of a replaying subscription stands in its stream (a log line's seq): the root fetcher records the
 * position of every event it hands to graphql-java, which executes the events one by one and in order, so the n-th
 * result polled here is the n-th event's. With positions, like subscribers can share one execution per event once
 * each has replayed its own start (see {@link SubscriptionGroups#joinReplaying}); without, each runs its own.
 */
public final class EventPositions {
    static final String CONTEXT_KEY = "berth.event-positions";

    private final ConcurrentLinkedQueue<Long> positions = new ConcurrentLinkedQueue<>();
    private volatile boolean tracked;

    /**
     * {@code events} with each event's position recorded for the subscription being executed, if it asked for them
     * (a subscription over the socket); {@code position} must increase by one from event to event.
     */
    public static <T> Flux<T> track(DataFetchingEnvironment env, Flux<T> events, ToLongFunction<? super T> position) {
        EventPositions positions = env.getGraphQlContext().get(CONTEXT_KEY);
        if (positions == null) return events;
        positions.tracked = true;
        return events.doOnNext(event -> positions.positions.add(position.applyAsLong(event)));
    }

    /** Whether the subscription's fetcher records positions. */
    boolean tracked() {
        return tracked;
    }

    /** The position of the next result, in the order graphql-java hands the results on. */
    long next() {
        Long position = positions.poll();
        if (position == null) throw new IllegalStateException("a subscription result without its event's position");
        return position;
    }
}
