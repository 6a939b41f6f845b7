package dev.berth.application;

import dev.berth.api.ProjectOwned;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/** An application as stored: where it lives, where its image comes from, how it runs, and where it stands. */
public record Application(UUID id, UUID teamId, UUID projectId, UUID environmentId, UUID serverId, String name,
                          ApplicationSource source, ApplicationSettings settings, Status status,
                          @Nullable Instant createdAt, @Nullable Instant updatedAt) implements ProjectOwned {

    public enum Status { NOT_DEPLOYED, DEPLOYING, RUNNING, STOPPED, FAILED }

    public Application with(String name, UUID serverId, ApplicationSource source, ApplicationSettings settings) {
        return new Application(id, teamId, projectId, environmentId, serverId, name, source, settings, status, createdAt, updatedAt);
    }
}
