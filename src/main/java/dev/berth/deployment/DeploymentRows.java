package dev.berth.deployment;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import dev.berth.storage.JsonColumn;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import dev.berth.storage.Statements;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Deployment and log rows, by hand, in the caller's transaction and team. */
@Singleton
class DeploymentRows implements LogStore {
    private static final String COLUMNS = "id, team_id, project_id, application_id, server_id, number, status, reason, commit_ref, image, "
            + "snapshot, diff, rollback_of, cancel_requested, attempts, container_id, created_at, started_at, finished_at";
    /**
     * The API's lists show no snapshot (it is what a run and a rollback read, one deployment at a time): pages leave
     * it in the database, where it is most of a row's bytes. Their {@code snapshot()} throws.
     */
    static final String LIST_COLUMNS = COLUMNS.replace("snapshot,", "NULL AS snapshot,");
    /** The number of {@link #COLUMNS} (and of {@link #LIST_COLUMNS}). */
    static final int COLUMN_COUNT = COLUMNS.split(", ").length;
    private static final String PAGES_OF = """
            SELECT d.* FROM unnest(?::uuid[]) AS a(id), LATERAL (
                SELECT %s FROM deployments WHERE team_id = ? AND application_id = a.id AND number < ? ORDER BY number DESC LIMIT ?) d
            """.formatted(LIST_COLUMNS);
    private static final String ACTIVE = "status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')";

    private final JdbcOperations jdbc;
    private final ObjectMapper json;
    private final JavaType snapshotType;
    private final JavaType changesType;

    DeploymentRows(JdbcOperations jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.snapshotType = json.constructType(Snapshot.class);
        this.changesType = json.getTypeFactory().constructCollectionType(List.class, Deployment.ConfigurationChange.class);
    }

    void insert(Deployment d, String environmentSealed) {
        update("""
                INSERT INTO deployments (id, team_id, project_id, application_id, server_id, number, status, commit_ref, image, snapshot,
                    environment_sealed, diff, rollback_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)""", s -> {
            s.setObject(1, d.id());
            s.setObject(2, d.teamId());
            s.setObject(3, d.projectId());
            s.setObject(4, d.applicationId());
            s.setObject(5, d.serverId());
            s.setInt(6, d.number());
            s.setString(7, d.status().name());
            s.setString(8, d.commit());
            s.setString(9, d.image());
            s.setString(10, write(d.snapshot()));
            s.setString(11, environmentSealed);
            s.setString(12, write(d.configurationDiff()));
            s.setObject(13, d.rollbackOf());
        });
    }

    /** The next number for an application, locking its row so two deploys never take the same one. */
    /** Serialises the starts of the server's deployments until the caller's transaction ends (the per-server limit). */
    void lockServer(UUID serverId) {
        Statements.one(jdbc, "SELECT pg_advisory_xact_lock(7302, hashtext(?::text))", s -> s.setString(1, serverId.toString()), rows -> 1);
    }

    /**
     * The status of the deployment as run by {@code attempt}, unless it has ended or another attempt (a node that took
     * it over) runs it now: a paused node that wakes up cannot move a deployment back. Answers whether it was set.
     */
    boolean statusOfAttempt(UUID teamId, UUID id, int attempt, Deployment.Status status, @Nullable String reason) {
        return setStatus(teamId, id, status, reason, " AND attempts = " + attempt + " AND status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')") == 1;
    }

    /** Locks the application's row until the caller's transaction ends: its queue changes one at a time. */
    void lockApplication(UUID teamId, UUID applicationId) {
        Statements.list(jdbc, "SELECT 1 FROM applications WHERE id = ? AND team_id = ? FOR UPDATE", s -> {
            s.setObject(1, applicationId);
            s.setObject(2, teamId);
        }, rows -> null);
    }

    /** Applications of the team with a queued deployment: what the queue reconciler looks at. */
    List<UUID> applicationsWithQueued(UUID teamId) {
        return Statements.list(jdbc, "SELECT DISTINCT application_id FROM deployments WHERE team_id = ? AND status = 'QUEUED' ORDER BY application_id",
                s -> s.setObject(1, teamId), rows -> rows.getObject(1, UUID.class));
    }

    /** The number the application's next deployment would get, read without taking the lock (for a plan). */
    int peekNextNumber(UUID teamId, UUID applicationId) {
        return Statements.one(jdbc, "SELECT coalesce(max(number), 0) + 1 FROM deployments WHERE application_id = ? AND team_id = ?", s -> {
            s.setObject(1, applicationId);
            s.setObject(2, teamId);
        }, rows -> rows.getInt(1));
    }

    int nextNumber(UUID teamId, UUID applicationId) {
        lockApplication(teamId, applicationId);
        return Statements.one(jdbc, "SELECT coalesce(max(number), 0) + 1 FROM deployments WHERE application_id = ? AND team_id = ?", s -> {
            s.setObject(1, applicationId);
            s.setObject(2, teamId);
        }, rows -> rows.getInt(1));
    }

    Optional<Deployment> byId(UUID teamId, UUID id) {
        return select("SELECT " + COLUMNS + " FROM deployments WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }).stream().findFirst();
    }

    /** Newest first, without their snapshots (see {@link #LIST_COLUMNS}). */
    List<Deployment> pageOf(UUID teamId, UUID applicationId, int beforeNumber, int limit) {
        return select("SELECT " + LIST_COLUMNS + " FROM deployments WHERE team_id = ? AND application_id = ? AND number < ? ORDER BY number DESC LIMIT ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, applicationId);
            s.setInt(3, beforeNumber);
            s.setInt(4, limit);
        });
    }

    /**
     * Up to {@code limit} deployments of each application numbered below {@code beforeNumber}, newest first, without
     * their snapshots (see {@link #LIST_COLUMNS}): one statement.
     */
    List<Deployment> pagesOf(UUID teamId, java.util.Collection<UUID> applicationIds, int beforeNumber, int limit) {
        return select(PAGES_OF, s -> {
            s.setArray(1, s.getConnection().createArrayOf("uuid", applicationIds.toArray()));
            s.setObject(2, teamId);
            s.setInt(3, beforeNumber);
            s.setInt(4, limit);
        });
    }

    Optional<Deployment> latestSucceeded(UUID teamId, UUID applicationId) {
        return select("SELECT " + COLUMNS + " FROM deployments WHERE team_id = ? AND application_id = ? AND status = 'SUCCEEDED' ORDER BY number DESC LIMIT 1", s -> {
            s.setObject(1, teamId);
            s.setObject(2, applicationId);
        }).stream().findFirst();
    }

    /** The application's unfinished deployments, oldest first (the first one runs, the others wait). */
    List<Deployment> active(UUID teamId, UUID applicationId) {
        return select("SELECT " + COLUMNS + " FROM deployments WHERE team_id = ? AND application_id = ? AND " + ACTIVE + " ORDER BY number", s -> {
            s.setObject(1, teamId);
            s.setObject(2, applicationId);
        });
    }

    String environmentSealed(UUID teamId, UUID id) {
        return Statements.one(jdbc, "SELECT environment_sealed FROM deployments WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, rows -> rows.getString(1));
    }

    /** Moves a deployment on; {@code reason} and the times are set when given. */
    void status(UUID teamId, UUID id, Deployment.Status status, @Nullable String reason) {
        setStatus(teamId, id, status, reason, "");
    }

    /** The status update itself, for the rows {@code fence} (SQL of Berth's own, never user data) leaves. */
    private int setStatus(UUID teamId, UUID id, Deployment.Status status, @Nullable String reason, String fence) {
        return update("""
                UPDATE deployments SET status = ?, reason = coalesce(?, reason),
                    started_at = CASE WHEN ? IN ('PREPARING', 'BUILDING', 'STARTING', 'HEALTH_CHECKING') AND started_at IS NULL
                                      THEN now() ELSE started_at END,
                    finished_at = CASE WHEN ? IN ('SUCCEEDED', 'FAILED', 'CANCELLED') THEN now() ELSE finished_at END
                WHERE team_id = ? AND id = ?""" + fence, s -> {
            s.setString(1, status.name());
            s.setString(2, reason);
            s.setString(3, status.name());
            s.setString(4, status.name());
            s.setObject(5, teamId);
            s.setObject(6, id);
        });
    }

    /** Counts one more attempt at the deployment and answers its number (the row's own count, under its row lock). */
    int nextAttempt(UUID teamId, UUID id) {
        return Statements.one(jdbc, "UPDATE deployments SET attempts = attempts + 1 WHERE team_id = ? AND id = ? RETURNING attempts", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, rows -> rows.getInt(1));
    }

    /** Deployments of the team that have started and not ended: the reconciler checks each still has its job. */
    List<Deployment> running(UUID teamId) {
        return select("SELECT " + COLUMNS + " FROM deployments WHERE team_id = ? AND status NOT IN ('QUEUED', 'SUCCEEDED', 'FAILED', 'CANCELLED')"
                + " ORDER BY id", s -> s.setObject(1, teamId));
    }

    /** The commit a git deployment built, once its checkout named it (a deployment asked for one keeps it). */
    void built(UUID teamId, UUID id, String commit) {
        update("UPDATE deployments SET commit_ref = coalesce(commit_ref, ?) WHERE team_id = ? AND id = ?", s -> {
            s.setString(1, commit);
            s.setObject(2, teamId);
            s.setObject(3, id);
        });
    }

    void ran(UUID teamId, UUID id, String image, String containerId, Snapshot snapshot) {
        update("UPDATE deployments SET image = ?, container_id = ?, snapshot = ?::jsonb WHERE team_id = ? AND id = ?", s -> {
            s.setString(1, image);
            s.setString(2, containerId);
            s.setString(3, write(snapshot));
            s.setObject(4, teamId);
            s.setObject(5, id);
        });
    }

    void requestCancel(UUID teamId, UUID id) {
        update("UPDATE deployments SET cancel_requested = true WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    /** Unfinished deployments on a server other than {@code except}, being run now (not waiting). */
    /**
     * Deployments of the server that run now: started (an attempt counted, even while still QUEUED) and not ended.
     * Read under {@link #lockServer}, so a burst of jobs starting at once cannot all see room.
     */
    int runningOn(UUID teamId, UUID serverId, UUID except) {
        return Statements.one(jdbc, "SELECT count(*) FROM deployments WHERE server_id = ? AND id <> ? AND status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')"
                + " AND (status <> 'QUEUED' OR attempts > 0)", s -> {
            s.setObject(1, serverId);
            s.setObject(2, except);
        }, rows -> rows.getInt(1));
    }

    /** The deployments on a server that wait for room: queued, never started, their application's turn. */
    List<UUID> waitingOn(UUID teamId, UUID serverId) {
        return Statements.list(jdbc, "SELECT id FROM deployments WHERE team_id = ? AND server_id = ? AND status = 'QUEUED'", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        }, r -> (UUID) r.getObject(1));
    }

    @Override
    public void append(UUID teamId, UUID subjectId, List<LogLine> lines) {
        appendLogs(teamId, subjectId, lines);
    }

    @Override
    public List<LogLine> after(UUID teamId, UUID subjectId, long afterSeq, int limit) {
        return logs(teamId, subjectId, afterSeq, limit);
    }

    @Override
    public String channel(UUID teamId, UUID subjectId) {
        return DeploymentLogs.channel(teamId, subjectId);
    }

    void appendLogs(UUID teamId, UUID deploymentId, List<LogLine> lines) {
        // a batch stored again (its commit's answer lost, then retried) changes nothing
        jdbc.prepareStatement("INSERT INTO deployment_logs (deployment_id, seq, team_id, at, stream, text) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", s -> {
            for (var line : lines) {
                s.setObject(1, deploymentId);
                s.setLong(2, line.seq());
                s.setObject(3, teamId);
                s.setTimestamp(4, Timestamp.from(line.at()));
                s.setString(5, line.stream());
                s.setString(6, line.text());
                s.addBatch();
            }
            return s.executeBatch();
        });
    }

    List<LogLine> logs(UUID teamId, UUID deploymentId, long afterSeq, int limit) {
        return Statements.list(jdbc, "SELECT seq, at, stream, text FROM deployment_logs WHERE team_id = ? AND deployment_id = ? AND seq > ? ORDER BY seq LIMIT ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, deploymentId);
            s.setLong(3, afterSeq);
            s.setInt(4, limit);
        }, rows -> new LogLine(rows.getLong(1), instant(rows, 2), rows.getString(3), rows.getString(4)));
    }

    long lastSeq(UUID teamId, UUID deploymentId) {
        return Statements.one(jdbc, "SELECT coalesce(max(seq), 0) FROM deployment_logs WHERE team_id = ? AND deployment_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, deploymentId);
        }, rows -> rows.getLong(1));
    }

    private int update(String sql, Statements.Binder binder) {
        return Statements.update(jdbc, sql, binder);
    }

    private List<Deployment> select(String sql, Statements.Binder binder) {
        return Statements.list(jdbc, sql, binder, this::read);
    }

    private Deployment read(ResultSet r) throws SQLException {
        return read(r, 1);
    }

    /** A deployment from {@link #COLUMNS} (or {@link #LIST_COLUMNS}), the first at {@code at}. */
    Deployment read(ResultSet r, int at) throws SQLException {
        var snapshot = r.getString(at + 10);
        return new Deployment(uuid(r, at), uuid(r, at + 1), uuid(r, at + 2), uuid(r, at + 3), uuid(r, at + 4), r.getInt(at + 5),
                Deployment.Status.valueOf(r.getString(at + 6)), r.getString(at + 7), r.getString(at + 8), r.getString(at + 9),
                snapshot == null ? JsonColumn.absent("a deployment read in a list has no snapshot: load it by id") : JsonColumn.of(snapshot, json, snapshotType),
                JsonColumn.of(r.getString(at + 11), json, changesType), uuid(r, at + 12), r.getBoolean(at + 13), r.getInt(at + 14),
                r.getString(at + 15), instant(r, at + 16), instant(r, at + 17), instant(r, at + 18));
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
