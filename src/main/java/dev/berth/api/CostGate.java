package dev.berth.api;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Admission by cost: queries and mutations run while the sum of their estimated costs in flight stays within a
 * capacity ({@code berth.graphql.max-cost-in-flight}); the next one waits its turn (first come, first served).
 * A request's memory grows with its cost, a few KiB per object (the rows, the result tree, the answer), so
 * thirty-two dashboards of 600 applications at once would fill a 384 MiB heap and spend the machine in the garbage
 * collector; a few at a time finish sooner (the default capacity: {@link GraphQLProperties#costInFlight()}). A cost
 * above the capacity runs alone. A small request ({@code small} objects or fewer) takes no turn at all: its memory is
 * negligible, and a large one waiting at the head of the queue must not hold up a login or a mutation. (A request
 * waiting its turn holds the worker thread it runs on.)
 */
final class CostGate {
    private final Semaphore permits;
    private final int capacity;
    private final long small;

    /** What {@code small} is in production: a request of at most this many objects never waits. */
    static final long SMALL = 100;

    CostGate(long capacity, long small) {
        this.capacity = (int) Math.min(Integer.MAX_VALUE, Math.max(1, capacity));
        this.small = small;
        this.permits = new Semaphore(this.capacity, true);
    }

    <T> T through(long cost, Supplier<T> work) {
        if (cost <= small) return work.get();
        int taken = (int) Math.min(capacity, Math.max(1, cost));
        permits.acquireUninterruptibly(taken);
        try {
            return work.get();
        } finally {
            permits.release(taken);
        }
    }
}
