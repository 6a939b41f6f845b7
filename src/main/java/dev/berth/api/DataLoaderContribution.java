package dev.berth.api;

import org.dataloader.DataLoaderRegistry;

/**
 * Registers a feature's DataLoaders into the registry of one execution. Registries are built per request
 * (or per subscription), never shared, so one caller's cache never serves another.
 */
public interface DataLoaderContribution {
    void register(DataLoaderRegistry registry, Viewer viewer);
}
