package dev.berth.deployment;

import dev.berth.api.ProjectOwned;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One attempt to bring an application to a configuration (its snapshot). */
public record Deployment(UUID id, UUID teamId, UUID projectId, UUID applicationId, UUID serverId, int number, Status status,
                         @Nullable String reason, @Nullable String commit, @Nullable String image, Snapshot snapshot,
                         List<ConfigurationChange> configurationDiff, @Nullable UUID rollbackOf, boolean cancelRequested,
                         int attempts, @Nullable String containerId, Instant createdAt, @Nullable Instant startedAt,
                         @Nullable Instant finishedAt) implements ProjectOwned {

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
