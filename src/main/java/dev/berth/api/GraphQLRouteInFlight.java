package dev.berth.api;

import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import jakarta.inject.Singleton;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The answers the thin route ({@link GraphQLRoute}) is making, on every connection: a graceful shutdown waits for
 * them as it waits for Micronaut's own requests.
 */
@Singleton
final class GraphQLRouteInFlight implements GracefulShutdownCapable {
    private final AtomicInteger answering = new AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder answered = new java.util.concurrent.atomic.LongAdder();
    private volatile CompletableFuture<Void> drained;

    void started() {
        answering.incrementAndGet();
    }

    void finished() {
        answered.increment();
        if (answering.decrementAndGet() == 0) {
            var waiting = drained;
            if (waiting != null) waiting.complete(null);
        }
    }

    @Override
    public CompletionStage<?> shutdownGracefully() {
        var waiting = new CompletableFuture<Void>();
        drained = waiting;
        if (answering.get() == 0) waiting.complete(null);
        return waiting;
    }

    /** How many answers the route has written since start (what tells the route from the controller). */
    long answered() {
        return answered.sum();
    }

    @Override
    public OptionalLong reportActiveTasks() {
        return OptionalLong.of(answering.get());
    }
}
