package dev.berth.api;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Admission by cost: queries and mutations run while the sum of their estimated costs in flight stays within a
 * capacity ({@code berth.graphql.max-cost-in-flight}); the next one waits its turn (first come, first served).
 * A request's memory grows with its cost, a few KiB per object (the rows, the result tree, the answer), so
 * thirty-two dashboards of 600 applications at once would fill a 384 MiB heap and spend the machine in the garbage
 * collector; ten at a time (50 000 objects) finish sooner, and small requests keep flowing beside them. A cost above
 * the capacity runs alone.
 */
final class CostGate {
    private final Semaphore permits;
    private final int capacity;

    CostGate(long capacity) {
        this.capacity = (int) Math.min(Integer.MAX_VALUE, Math.max(1, capacity));
        this.permits = new Semaphore(this.capacity, true);
    }

    <T> T through(long cost, Supplier<T> work) {
        int taken = (int) Math.min(capacity, Math.max(1, cost));
        permits.acquireUninterruptibly(taken);
        try {
            return work.get();
        } finally {
            permits.release(taken);
        }
    }
}
