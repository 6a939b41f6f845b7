package dev.berth.events;

import java.util.function.Supplier;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** How live streams stay bounded: a reader may fall {@code capacity} items behind, and is then cut off at once. */
public final class Backlog {
    private Backlog() {}

    /**
     * {@code source} with a buffer of {@code capacity} items; when it overflows the stream ends with {@code tooSlow}
     * right away. (Reactor delivers a buffer's overflow error only after the backlog drains, which a stalled reader
     * never does, so the error travels beside the stream.) Completes when {@code source} completes and the buffer is
     * drained.
     */
    public static <T> Flux<T> bounded(Flux<T> source, int capacity, Supplier<? extends Throwable> tooSlow) {
        var overflow = Sinks.<T>one();
        return source
                .onBackpressureBuffer(capacity, dropped -> overflow.tryEmitError(tooSlow.get()), BufferOverflowStrategy.DROP_LATEST)
                .doOnComplete(overflow::tryEmitEmpty)
                .mergeWith(overflow.asMono());
    }
}
