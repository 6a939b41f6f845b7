package dev.berth.api;

import io.netty.util.concurrent.FastThreadLocalThread;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.dataloader.DataLoader;
import org.dataloader.DataLoaderRegistry;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where a subscription event leaves the I/O threads. The threading model of a subscription event:
 * <ol>
 *   <li>a Lettuce I/O thread receives the broker message, decodes it once and emits it to the local subscribers;</li>
 *   <li>here each subscription's stream is handed to a bounded worker pool ({@code berth-events-*}) before any
 *       fetcher runs: graphql-java resolves the event's selection (SQL included) on that worker, in order;</li>
 *   <li>the serialised result goes back to Netty, whose event loop only writes the frame.</li>
 * </ol>
 * Each event also starts with empty DataLoader caches, so a subscription never serves data older than its event.
 */
@Singleton
final class EventHandOff {
    private final Scheduler workers = Schedulers.newBoundedElastic(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 100_000, "berth-events");

    /**
     * The subscription root field's stream, moved onto the workers, with fresh DataLoader caches per event; events
     * about a project outside a limited token's projects are dropped ({@link ProjectOwned}).
     */
    Publisher<?> handOff(Publisher<?> events, DataLoaderRegistry loaders, Viewer viewer) {
        return Flux.from(events)
                .filter(event -> !(event instanceof ProjectOwned owned && viewer.excludes(owned.projectId())))
                .publishOn(workers)
                .doOnNext(event -> loaders.getDataLoaders().forEach(DataLoader::clearAll));
    }

    /** @throws IllegalStateException on a Netty or Lettuce event-loop thread: fetchers may block, I/O threads may not */
    static void requireWorkerThread() {
        if (Thread.currentThread() instanceof FastThreadLocalThread thread) {
            throw new IllegalStateException("a fetcher ran on the I/O thread " + thread.getName());
        }
    }

    @PreDestroy
    void stop() {
        workers.dispose();
    }
}
