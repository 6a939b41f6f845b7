package dev.berth.deployment;

import dev.berth.api.ProjectOwned;
import dev.berth.storage.JsonColumn;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One attempt to bring an application to a configuration (its snapshot). */
public record Deployment(UUID id, UUID teamId, UUID projectId, UUID applicationId, UUID serverId, int number, Status status,
                         @Nullable String reason, @Nullable String commit, @Nullable String image, JsonColumn<Snapshot> snapshotColumn,
                         JsonColumn<List<ConfigurationChange>> diffColumn, @Nullable UUID rollbackOf, boolean cancelRequested,
                         int attempts, @Nullable String containerId, Instant createdAt, @Nullable Instant startedAt,
                         @Nullable Instant finishedAt) implements ProjectOwned {

    /** The configuration it deploys (parsed from its row when first asked for). */
    public Snapshot snapshot() {
        return snapshotColumn.get();
    }

    /** What changed since the previous successful deployment (parsed when first asked for). */
    public List<ConfigurationChange> configurationDiff() {
        return diffColumn.get();
    }

    /** The states of DESIGN.md §5. */
    public enum Status {
        QUEUED, PREPARING, BUILDING, STARTING, HEALTH_CHECKING, SUCCEEDED, FAILED, CANCELLED;

        public boolean terminal() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }
    }

    /** One changed setting between two deployments; secret values show as {@code (secret)}. */
    public record ConfigurationChange(String path, @Nullable String before, @Nullable String after) {}
}
