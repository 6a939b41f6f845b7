package dev.berth.api;

/**
 * Offers a feature's DataLoaders to the registry of one execution, made when first used ({@link Loaders}). Registries
 * are built per request (or per subscription), never shared, so one caller's cache never serves another.
 */
public interface DataLoaderContribution {
    void register(Loaders loaders, Viewer viewer);
}
