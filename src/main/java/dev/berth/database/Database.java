package dev.berth.database;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * A standalone database: an engine's container on a server, its data in the named volume {@link #volume()}. The
 * password is sealed ({@code passwordSealed}) and leaves Berth only through an audited reveal.
 */
public record Database(UUID id, UUID teamId, UUID projectId, UUID environmentId, UUID serverId, String name, EngineKind engine,
                       String image, String username, @Nullable String databaseName, String passwordSealed,
                       @Nullable Integer publicPort, @Nullable Double cpuLimit, @Nullable Integer memoryLimitMiB,
                       Desired desired, Status status, @Nullable String statusDetail, Instant createdAt, Instant updatedAt)
        implements dev.berth.api.ProjectOwned {

    /** What the database should be doing. */
    public enum Desired { RUNNING, STOPPED }

    /** What its container was last seen doing. */
    public enum Status { STARTING, RUNNING, STOPPING, STOPPED, FAILED, DELETING }

    /** The named volume holding its data; it outlives the container (and the database, unless asked). */
    public String volume() {
        return "berth-db-" + id;
    }

    /** The container's name on its server. */
    public String containerName() {
        return "berth-db-" + id;
    }

    /** The context its password is sealed under. */
    String sealContext() {
        return "databases:" + id;
    }

    public Engine engineSpec() {
        return Engine.of(engine);
    }

    /** The same database with another name, image, public port, limits, wish or status. */
    Database with(String name, String image, @Nullable Integer publicPort, @Nullable Double cpuLimit, @Nullable Integer memoryLimitMiB,
                  Desired desired, Status status, @Nullable String statusDetail) {
        return new Database(id, teamId, projectId, environmentId, serverId, name, engine, image, username, databaseName, passwordSealed,
                publicPort, cpuLimit, memoryLimitMiB, desired, status, statusDetail, createdAt, updatedAt);
    }

    Database withWish(Desired desired, Status status) {
        return with(name, image, publicPort, cpuLimit, memoryLimitMiB, desired, status, null);
    }
}
