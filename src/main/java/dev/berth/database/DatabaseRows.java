package dev.berth.database;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

import dev.berth.storage.Statements;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Database rows, read and written by hand in the caller's transaction and team. */
@Singleton
class DatabaseRows {
    private static final String COLUMNS = "id, team_id, project_id, environment_id, server_id, name, engine, image, username, database_name,"
            + " password_sealed, public_port, cpu_limit, memory_limit_mib, desired, status, status_detail, created_at, updated_at";

    private final JdbcOperations jdbc;

    DatabaseRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Database d) {
        Statements.update(jdbc, "INSERT INTO databases (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setObject(1, d.id());
            s.setObject(2, d.teamId());
            s.setObject(3, d.projectId());
            s.setObject(4, d.environmentId());
            s.setObject(5, d.serverId());
            s.setString(6, d.name());
            s.setString(7, d.engine().name());
            s.setString(8, d.image());
            s.setString(9, d.username());
            s.setString(10, d.databaseName());
            s.setString(11, d.passwordSealed());
            s.setObject(12, d.publicPort(), Types.INTEGER);
            s.setObject(13, d.cpuLimit(), Types.DOUBLE);
            s.setObject(14, d.memoryLimitMiB(), Types.INTEGER);
            s.setString(15, d.desired().name());
            s.setString(16, d.status().name());
            s.setString(17, d.statusDetail());
            s.setObject(18, java.sql.Timestamp.from(d.createdAt()));
            s.setObject(19, java.sql.Timestamp.from(d.updatedAt()));
        });
    }

    /** Writes what a user may change: name, image, public port, limits and what it should be doing. */
    void save(Database d) {
        Statements.update(jdbc, "UPDATE databases SET name = ?, image = ?, public_port = ?, cpu_limit = ?, memory_limit_mib = ?, desired = ?,"
                + " status = ?, status_detail = ?, generation = generation + 1, updated_at = now() WHERE team_id = ? AND id = ?", s -> {
            s.setString(1, d.name());
            s.setString(2, d.image());
            s.setObject(3, d.publicPort(), Types.INTEGER);
            s.setObject(4, d.cpuLimit(), Types.DOUBLE);
            s.setObject(5, d.memoryLimitMiB(), Types.INTEGER);
            s.setString(6, d.desired().name());
            s.setString(7, d.status().name());
            s.setString(8, d.statusDetail());
            s.setObject(9, d.teamId());
            s.setObject(10, d.id());
        });
    }

    /**
     * Records what its container was seen doing as of {@code generation}; false (nothing written) when a newer change
     * came meanwhile or it was deleted.
     */
    boolean observed(UUID teamId, UUID id, long generation, Database.Status status, @Nullable String detail) {
        return Statements.update(jdbc, "UPDATE databases SET status = ?, status_detail = ?, observed_generation = ?, updated_at = now()"
                + " WHERE team_id = ? AND id = ? AND generation = ? AND deleted_at IS NULL", s -> {
            s.setString(1, status.name());
            s.setString(2, detail);
            s.setLong(3, generation);
            s.setObject(4, teamId);
            s.setObject(5, id);
            s.setLong(6, generation);
        }) > 0;
    }

    /** The generation of what it should be, deleted or not; empty once its row is gone. */
    Optional<Long> generation(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT generation FROM databases WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, r -> r.getLong(1)).stream().findFirst();
    }

    /** Asks for a restart (the next converge restarts a running container once). */
    void requestRestart(UUID teamId, UUID id) {
        Statements.update(jdbc, "UPDATE databases SET restart_requested = true WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    /** Takes a restart asked for: true once per request. */
    boolean takeRestart(UUID teamId, UUID id) {
        return Statements.update(jdbc, "UPDATE databases SET restart_requested = false WHERE team_id = ? AND id = ? AND restart_requested", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }) > 0;
    }

    /** Databases of the team whose latest change no converge has seen through (deleted ones included). */
    List<UUID> unobserved(UUID teamId) {
        return Statements.list(jdbc, "SELECT id FROM databases WHERE team_id = ? AND observed_generation < generation", s -> s.setObject(1, teamId),
                r -> r.getObject(1, UUID.class));
    }

    /** Marks it deleted (its container goes by a job); whether its volume goes too. */
    /** Marks it deleted (its container and row go through the converge job) and ends its links to applications now. */
    void markDeleted(UUID teamId, UUID id, boolean removeVolume) {
        Statements.update(jdbc, "DELETE FROM database_links WHERE team_id = ? AND database_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
        Statements.update(jdbc, "UPDATE databases SET deleted_at = now(), status = 'DELETING', remove_volume = ?, generation = generation + 1"
                + " WHERE team_id = ? AND id = ?", s -> {
            s.setBoolean(1, removeVolume);
            s.setObject(2, teamId);
            s.setObject(3, id);
        });
    }

    void delete(UUID teamId, UUID id) {
        Statements.update(jdbc, "DELETE FROM databases WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    /**
     * Serialises the port choices of one server's databases until the transaction ends (two creations racing for one
     * port on the host network, where no unique index holds the default port).
     */
    void lockPortsOf(UUID serverId) {
        Statements.list(jdbc, "SELECT pg_advisory_xact_lock(hashtextextended('database-ports:' || ?::text, 0))", s -> s.setObject(1, serverId), r -> 1);
    }

    /** Takes the row's lock until the transaction ends (changes of one database one at a time). */
    void lock(UUID teamId, UUID id) {
        Statements.list(jdbc, "SELECT 1 FROM databases WHERE team_id = ? AND id = ? FOR UPDATE", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, r -> 1);
    }

    Optional<Database> byId(UUID teamId, UUID id) {
        return select("SELECT " + COLUMNS + " FROM databases WHERE team_id = ? AND id = ? AND deleted_at IS NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }).stream().findFirst();
    }

    /** The row whether deleted or not, with whether its volume goes. */
    Optional<Removal> anyById(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT " + COLUMNS + ", deleted_at IS NOT NULL, remove_volume, generation FROM databases WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, r -> new Removal(read(r), r.getBoolean(20), r.getBoolean(21), r.getLong(22))).stream().findFirst();
    }

    /** A row as the job sees it: deleted or not, whether its volume goes with it, and the generation it is of. */
    record Removal(Database database, boolean deleted, boolean removeVolume, long generation) {}

    List<Database> inEnvironment(UUID teamId, UUID environmentId) {
        return select("SELECT " + COLUMNS + " FROM databases WHERE team_id = ? AND environment_id = ? AND deleted_at IS NULL ORDER BY id", s -> {
            s.setObject(1, teamId);
            s.setObject(2, environmentId);
        });
    }

    /** Live databases of the project whose environment (or the project itself) was deleted. */
    List<Database> orphanedIn(UUID teamId, UUID projectId) {
        return select("SELECT d." + COLUMNS.replace(", ", ", d.") + " FROM databases d JOIN environments e ON e.id = d.environment_id"
                + " WHERE d.team_id = ? AND d.project_id = ? AND d.deleted_at IS NULL AND e.deleted_at IS NOT NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, projectId);
        });
    }

    /** The team's live databases on a server (the port checks count them). */
    List<Database> onServer(UUID teamId, UUID serverId) {
        return select("SELECT " + COLUMNS + " FROM databases WHERE team_id = ? AND server_id = ? AND deleted_at IS NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        });
    }

    private List<Database> select(String sql, Statements.Binder binder) {
        return Statements.list(jdbc, sql, binder, DatabaseRows::read);
    }

    private static Database read(ResultSet r) throws SQLException {
        return new Database(uuid(r, 1), uuid(r, 2), uuid(r, 3), uuid(r, 4), uuid(r, 5), r.getString(6), EngineKind.valueOf(r.getString(7)),
                r.getString(8), r.getString(9), r.getString(10), r.getString(11), (Integer) r.getObject(12),
                (Double) r.getObject(13), (Integer) r.getObject(14), Database.Desired.valueOf(r.getString(15)),
                Database.Status.valueOf(r.getString(16)), r.getString(17), instant(r, 18), instant(r, 19));
    }
}
