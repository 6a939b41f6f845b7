package dev.berth.events;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A live stream subscribed now and read later: what arrives meanwhile (while a subscriber replays its own prefix from
 * PostgreSQL, say) is held, at most {@code capacity} items and {@code maxBytes} bytes; past either bound nothing more
 * is held and the stream ends with {@code tooSlow} once what is held has been read (a follower then resumes from
 * PostgreSQL). Nothing is kept once read: unlike {@code replay()}, memory does not grow with the stream's length, and
 * unlike {@code publish()}, nothing is dropped before the reader comes.
 *
 * @param flux       the stream, for one subscriber
 * @param connection the subscription to the source: dispose it when done
 */
public record Held<T>(Flux<T> flux, Disposable connection) {

    public static <T> Held<T> from(Flux<T> source, int capacity, long maxBytes, ToLongFunction<? super T> bytes,
                                   Supplier<? extends Throwable> tooSlow) {
        var sink = Sinks.many().unicast().<T>onBackpressureBuffer();
        var heldBytes = new AtomicLong();
        var heldItems = new AtomicLong();
        var overflowed = new java.util.concurrent.atomic.AtomicBoolean();
        var connection = source.subscribe(item -> {
            if (overflowed.get()) return;
            if (heldItems.incrementAndGet() > capacity || heldBytes.addAndGet(bytes.applyAsLong(item)) > maxBytes) {
                overflowed.set(true);
                sink.tryEmitError(tooSlow.get());
                return;
            }
            sink.tryEmitNext(item);
        }, sink::tryEmitError, sink::tryEmitComplete);
        var flux = sink.asFlux().doOnNext(item -> {
            heldItems.decrementAndGet();
            heldBytes.addAndGet(-bytes.applyAsLong(item));
        });
        return new Held<>(flux, connection);
    }
}
