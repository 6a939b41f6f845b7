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
    /** One changed path; {@code team} when it is a variable whose value came from the team's scope (see VariableReach). */
    public record ConfigurationChange(String path, @Nullable String before, @Nullable String after, boolean team) {
        public ConfigurationChange(String path, @Nullable String before, @Nullable String after) {
            this(path, before, after, false);
        }

        /** The change as {@code viewer} may see it: the values of a team variable hidden from a project-limited viewer. */
        public ConfigurationChange shownTo(dev.berth.api.Viewer viewer) {
            if (!team || dev.berth.application.VariableReach.reaches(viewer, dev.berth.application.EnvironmentVariable.Scope.TEAM)) return this;
            var hidden = dev.berth.application.VariableReach.HIDDEN;
            return new ConfigurationChange(path, before == null ? null : hidden, after == null ? null : hidden, true);
        }
    }
}
