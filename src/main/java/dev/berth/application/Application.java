package dev.berth.application;

import dev.berth.api.ProjectOwned;
import dev.berth.storage.JsonColumn;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/** An application as stored: where it lives, where its image comes from, how it runs, and where it stands. */
public record Application(UUID id, UUID teamId, UUID projectId, UUID environmentId, UUID serverId, String name,
                          JsonColumn<ApplicationSource> sourceColumn, JsonColumn<ApplicationSettings> settingsColumn, Status status,
                          @Nullable Instant createdAt, @Nullable Instant updatedAt, @Nullable ContainerState container)
        implements ProjectOwned {

    /**
     * Where an application stands. NOT_DEPLOYED and DEPLOYING belong to deployments; RUNNING, RESTARTING, EXITED and
     * MISSING follow the current container on its server; STOPPED is a stop on purpose; FAILED a failed deployment.
     */
    public enum Status {
        NOT_DEPLOYED, DEPLOYING, RUNNING, STOPPED, FAILED, RESTARTING, EXITED, MISSING;

        /** The statuses that a deployment owns: what the server's containers do meanwhile changes nothing. */
        public boolean ownedByDeployments() {
            return this == NOT_DEPLOYED || this == DEPLOYING || this == FAILED;
        }
    }

    /** A new application, not stored yet. */
    public Application(UUID id, UUID teamId, UUID projectId, UUID environmentId, UUID serverId, String name,
                       ApplicationSource source, ApplicationSettings settings, Status status) {
        this(id, teamId, projectId, environmentId, serverId, name, JsonColumn.parsed(source), JsonColumn.parsed(settings), status, null, null, null);
    }

    /** Where its image comes from (parsed from its row when first asked for). */
    public ApplicationSource source() {
        return sourceColumn.get();
    }

    /** Its settings (parsed from its row when first asked for). */
    public ApplicationSettings settings() {
        return settingsColumn.get();
    }

    public Application with(String name, UUID serverId, ApplicationSource source, ApplicationSettings settings) {
        return new Application(id, teamId, projectId, environmentId, serverId, name, JsonColumn.parsed(source), JsonColumn.parsed(settings),
                status, createdAt, updatedAt, container);
    }
}
