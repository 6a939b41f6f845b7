package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.dataloader.DataLoader;
import org.dataloader.DataLoaderFactory;
import org.junit.jupiter.api.Test;

/** An execution's loaders are made when first asked for, once each, and only those made are listed (dispatched, cleared). */
class LoadersTest {
    private static DataLoader<?, ?> echo(AtomicInteger made) {
        made.incrementAndGet();
        return DataLoaderFactory.<String, String>newMappedDataLoader((Set<String> keys) ->
                CompletableFuture.completedFuture(keys.stream().collect(java.util.stream.Collectors.toMap(k -> k, k -> k + "!"))));
    }

    @Test
    void aLoaderIsMadeWhenFirstAskedForAndOnlyOnce() throws Exception {
        var made = new AtomicInteger();
        var loaders = new Loaders();
        loaders.add("a", () -> echo(made));
        loaders.add("b", () -> echo(made));
        assertThat(made).hasValue(0);
        assertThat(loaders.getDataLoaders()).isEmpty();
        assertThat(loaders.getKeys()).isEmpty();

        DataLoader<String, String> a = loaders.getDataLoader("a");
        var answer = a.load("x");
        loaders.dispatchAll();
        assertThat(answer.get()).isEqualTo("x!");
        assertThat(loaders.<String, String>getDataLoader("a")).isSameAs(a);
        assertThat(made).hasValue(1);
        assertThat(loaders.getKeys()).containsExactly("a");
        assertThat(loaders.<String, String>getDataLoader("unknown")).isNull();
    }

    @Test
    void threadsAskingAtOnceGetOneLoader() throws Exception {
        var made = new AtomicInteger();
        var loaders = new Loaders();
        loaders.add("a", () -> echo(made));
        var got = java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<DataLoader<?, ?>, Boolean>()));
        var start = new java.util.concurrent.CountDownLatch(1);
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 16; i++) {
                threads.submit(() -> {
                    start.await();
                    return got.add(loaders.getDataLoader("a"));
                });
            }
            start.countDown();
        }
        assertThat(got).hasSize(1);
        assertThat(made).hasValue(1);
        assertThat(Map.of("listed", loaders.getDataLoaders().size())).isEqualTo(Map.of("listed", 1));
        assertThat(List.copyOf(loaders.getDataLoaders())).containsExactly(got.iterator().next());
    }
}
