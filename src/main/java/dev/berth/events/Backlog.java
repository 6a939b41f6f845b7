package dev.berth.events;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * How live streams stay bounded: a reader may fall {@code capacity} items and {@code maxBytes} bytes behind, and is
 * then cut off at once. Both bounds hold: a few huge items fill the bytes long before the count.
 */
public final class Backlog {
    private Backlog() {}

    /**
     * {@code source} with a buffer of at most {@code capacity} items weighing at most {@code maxBytes} together (an
     * item's weight is {@code bytes} of it, counted from when it arrives until the reader takes it); past either
     * bound the stream ends with {@code tooSlow} right away. (Reactor delivers a buffer's overflow error only after
     * the backlog drains, which a stalled reader never does, so the error travels beside the stream.) Completes when
     * {@code source} completes and the buffer is drained.
     */
    public static <T> Flux<T> bounded(Flux<T> source, int capacity, long maxBytes, ToLongFunction<? super T> bytes,
                                      Supplier<? extends Throwable> tooSlow) {
        var overflow = Sinks.<T>one();
        var held = new AtomicLong();
        return source
                .doOnNext(item -> {
                    if (held.addAndGet(bytes.applyAsLong(item)) > maxBytes) overflow.tryEmitError(tooSlow.get());
                })
                .onBackpressureBuffer(capacity, dropped -> overflow.tryEmitError(tooSlow.get()), BufferOverflowStrategy.DROP_LATEST)
                .doOnComplete(overflow::tryEmitEmpty)
                .mergeWith(overflow.asMono())
                .doOnNext(item -> held.addAndGet(-bytes.applyAsLong(item))); // taken by the reader (after the merge's prefetch too)
    }

    /** The weight of a text item: its length in characters, which is its size in bytes for ASCII (JSON, mostly). */
    public static long textBytes(String text) {
        return text.length();
    }
}
