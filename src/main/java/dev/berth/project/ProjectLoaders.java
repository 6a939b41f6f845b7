package dev.berth.project;

import dev.berth.api.DataLoaderContribution;
import dev.berth.api.Viewer;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.dataloader.DataLoaderFactory;
import dev.berth.api.Loaders;

/** Batches project→environments and environment→project lookups: one statement per level, whatever the page size. */
@Singleton
final class ProjectLoaders implements DataLoaderContribution {
    static final String ENVIRONMENTS_BY_PROJECT = "environmentsByProject";
    static final String PROJECT_BY_ID = "projectById";

    private final ProjectService projects;

    ProjectLoaders(ProjectService projects) {
        this.projects = projects;
    }

    @Override
    public void register(Loaders loaders, Viewer viewer) {
        loaders.add(ENVIRONMENTS_BY_PROJECT, () -> DataLoaderFactory.<UUID, List<Environment>>newMappedDataLoader(
                (Set<UUID> ids) -> CompletableFuture.completedFuture(projects.environmentsOf(viewer, ids))));
        loaders.add(PROJECT_BY_ID, () -> DataLoaderFactory.<UUID, Project>newMappedDataLoader(
                (Set<UUID> ids) -> CompletableFuture.completedFuture(projects.byIds(viewer, ids))));
    }
}
