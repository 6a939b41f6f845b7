package dev.berth.api;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.dataloader.DataLoader;
import org.dataloader.DataLoaderRegistry;

/**
 * One execution's DataLoaders ({@link DataLoaderContribution}), each made the first time a fetcher asks for it: most
 * operations use one or two of the nine, a mutation none, and making them all per request (each named by the registry,
 * which builds it a second time) was 4–5 % of a createProject's CPU. Until made, a loader has nothing to dispatch or
 * clear, so the registry's listings show only the loaders made.
 */
public final class Loaders extends DataLoaderRegistry {
    private final Map<String, Supplier<DataLoader<?, ?>>> makers = new HashMap<>();

    /** Offers the loader {@code make} makes under {@code key}; called while the execution is set up, before it runs. */
    public void add(String key, Supplier<DataLoader<?, ?>> make) {
        makers.put(key, make);
    }

    @Override
    public <K, V> DataLoader<K, V> getDataLoader(String key) {
        DataLoader<K, V> made = super.getDataLoader(key);
        if (made != null) return made;
        var make = makers.get(key);
        return make == null ? null : computeIfAbsent(key, ignored -> make.get());
    }
}
