package dev.berth.backup;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

import dev.berth.database.EngineKind;
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

/** Backup destinations and backups, read and written by hand in the caller's transaction and team. */
@Singleton
class BackupRows implements dev.berth.deployment.LogStore {
    private static final String DESTINATION = "id, team_id, name, kind, endpoint, region, bucket, path_prefix, path_style, access_key, secret_key_sealed, server_id, directory,"
            + " created_at";
    private static final String BACKUP = "id, team_id, database_id, destination_id, engine, status, object_key, size_bytes, sha256, detail,"
            + " restore_status, restore_detail, created_at, started_at, finished_at, verify_status, verification, verified_at, verify_requested, imported";

    private final JdbcOperations jdbc;

    BackupRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    void insert(BackupDestination d) {
        Statements.update(jdbc, "INSERT INTO backup_destinations (" + DESTINATION + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setObject(1, d.id());
            s.setObject(2, d.teamId());
            s.setString(3, d.name());
            s.setString(4, d.kind().name());
            s.setString(5, d.endpoint());
            s.setString(6, d.region());
            s.setString(7, d.bucket());
            s.setString(8, d.pathPrefix());
            s.setBoolean(9, d.pathStyle());
            s.setString(10, d.accessKey());
            s.setString(11, d.secretKeySealed());
            s.setObject(12, d.serverId());
            s.setString(13, d.directory());
            s.setObject(14, java.sql.Timestamp.from(d.createdAt()));
        });
    }

    Optional<BackupDestination> destination(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT " + DESTINATION + " FROM backup_destinations WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, BackupRows::destination).stream().findFirst();
    }

    List<BackupDestination> destinations(UUID teamId) {
        return Statements.list(jdbc, "SELECT " + DESTINATION + " FROM backup_destinations WHERE team_id = ? ORDER BY name", s -> s.setObject(1, teamId),
                BackupRows::destination);
    }

    void deleteDestination(UUID teamId, UUID id) {
        Statements.update(jdbc, "DELETE FROM backup_destinations WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    void insert(Backup b) {
        insert(b, null);
    }

    /** An imported backup waiting for its upload: the SHA-256 of its one-time token and the size announced. */
    void insertImport(Backup b, String tokenHash, long size) {
        insert(b, null);
        Statements.update(jdbc, "UPDATE backups SET imported = true, upload_token_hash = ?, upload_size = ? WHERE team_id = ? AND id = ?", s -> {
            s.setString(1, tokenHash);
            s.setLong(2, size);
            s.setObject(3, b.teamId());
            s.setObject(4, b.id());
        });
    }

    /** The upload token's hash and the announced size of an import still waiting for its upload. */
    record Waiting(String tokenHash, long size) {}

    Optional<Waiting> waiting(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT upload_token_hash, upload_size FROM backups WHERE team_id = ? AND id = ? AND imported AND status = 'QUEUED'"
                + " AND upload_token_hash IS NOT NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, r -> new Waiting(r.getString(1), r.getLong(2))).stream().findFirst();
    }

    /** Takes the import's upload: QUEUED to RUNNING, its token spent; false when another took it (or it expired). */
    boolean takeUpload(UUID teamId, UUID id) {
        return Statements.update(jdbc, "UPDATE backups SET status = 'RUNNING', started_at = now(), upload_seen_at = now(), upload_token_hash = NULL"
                + " WHERE team_id = ? AND id = ? AND imported AND status = 'QUEUED' AND upload_token_hash IS NOT NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }) > 0;
    }

    /** An upload under way is alive. */
    void uploadSeen(UUID teamId, UUID id) {
        Statements.update(jdbc, "UPDATE backups SET upload_seen_at = now() WHERE team_id = ? AND id = ? AND status = 'RUNNING'", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    /** When a RUNNING import's upload last moved. */
    Optional<java.time.Instant> uploadSeenAt(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT upload_seen_at FROM backups WHERE team_id = ? AND id = ? AND imported AND status = 'RUNNING'", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, r -> instant(r, 1)).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** Imports of the team still waiting for their upload. */
    int waitingImports(UUID teamId) {
        return Statements.one(jdbc, "SELECT count(*) FROM backups WHERE team_id = ? AND imported AND status = 'QUEUED'", s -> s.setObject(1, teamId),
                r -> r.getInt(1));
    }

    /** Locks the backup's row until the transaction ends: one verification or restore is decided at a time. */
    void lockBackup(UUID teamId, UUID id) {
        Statements.list(jdbc, "SELECT 1 FROM backups WHERE team_id = ? AND id = ? FOR UPDATE", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, r -> 1);
    }

    /** A backup, made by {@code scheduleId} when not null. */
    void insert(Backup b, @Nullable UUID scheduleId) {
        Statements.update(jdbc, "INSERT INTO backups (id, team_id, database_id, destination_id, engine, status, object_key, verify_requested, schedule_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setObject(1, b.id());
            s.setObject(2, b.teamId());
            s.setObject(3, b.databaseId());
            s.setObject(4, b.destinationId());
            s.setString(5, b.engine().name());
            s.setString(6, b.status().name());
            s.setString(7, b.objectKey());
            s.setBoolean(8, b.verifyRequested());
            s.setObject(9, scheduleId);
        });
    }

    private static final String SCHEDULE = "id, team_id, database_id, destination_id, cron, time_zone, retain_count, retain_days, verify, created_at";

    void insert(BackupSchedule b) {
        Statements.update(jdbc, "INSERT INTO backup_schedules (" + SCHEDULE + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setObject(1, b.id());
            s.setObject(2, b.teamId());
            s.setObject(3, b.databaseId());
            s.setObject(4, b.destinationId());
            s.setString(5, b.cron());
            s.setString(6, b.timeZone());
            s.setObject(7, b.retainCount(), Types.INTEGER);
            s.setObject(8, b.retainDays(), Types.INTEGER);
            s.setBoolean(9, b.verify());
            s.setObject(10, java.sql.Timestamp.from(b.createdAt()));
        });
    }

    Optional<BackupSchedule> schedule(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT " + SCHEDULE + " FROM backup_schedules WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, BackupRows::schedule).stream().findFirst();
    }

    List<BackupSchedule> schedulesOf(UUID teamId, UUID databaseId) {
        return Statements.list(jdbc, "SELECT " + SCHEDULE + " FROM backup_schedules WHERE team_id = ? AND database_id = ? ORDER BY id", s -> {
            s.setObject(1, teamId);
            s.setObject(2, databaseId);
        }, BackupRows::schedule);
    }

    void deleteSchedule(UUID teamId, UUID id) {
        Statements.update(jdbc, "DELETE FROM backup_schedules WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    /** Whether a backup the schedule made is queued or running. */
    boolean scheduleBusy(UUID teamId, UUID scheduleId) {
        return !Statements.list(jdbc, "SELECT 1 FROM backups WHERE team_id = ? AND schedule_id = ? AND status IN ('QUEUED', 'RUNNING') LIMIT 1", s -> {
            s.setObject(1, teamId);
            s.setObject(2, scheduleId);
        }, r -> 1).isEmpty();
    }

    /** Records what the database held when the backup began. */
    void source(UUID teamId, UUID id, long tables, long rows) {
        Statements.update(jdbc, "UPDATE backups SET source_tables = ?, source_rows = ? WHERE team_id = ? AND id = ?", s -> {
            s.setLong(1, tables);
            s.setLong(2, rows);
            s.setObject(3, teamId);
            s.setObject(4, id);
        });
    }

    /** What the database held when the backup began (tables; rows, or keys for the Redis family), when counted. */
    record Held(long tables, long rows) {}

    Optional<Held> source(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT source_tables, source_rows FROM backups WHERE team_id = ? AND id = ? AND source_tables IS NOT NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, r -> new Held(r.getLong(1), r.getLong(2))).stream().findFirst();
    }

    /**
     * Ends a RUNNING backup and, when it SUCCEEDED with {@code verify}, queues its verification in the same
     * transaction (nobody sees it idle between the two). False when it was not RUNNING (ended elsewhere meanwhile).
     */
    boolean finish(UUID teamId, UUID id, Backup.Status status, @Nullable Long size, @Nullable String sha256, @Nullable String detail,
                   boolean verify, dev.berth.jobs.JobQueue jobs) {
        if (!finish(teamId, id, status, size, sha256, detail)) return false;
        if (verify && status == Backup.Status.SUCCEEDED && moveVerify(teamId, id, null, Backup.Status.QUEUED, null)) {
            jobs.enqueue(BackupJob.VERIFY, dev.berth.jobs.JobQueue.instance(teamId, id), java.time.Instant.now());
        }
        return true;
    }

    /** The schedule's successful backups, newest first (what retention looks at). */
    List<Backup> succeededOf(UUID teamId, UUID scheduleId) {
        return Statements.list(jdbc, "SELECT " + BACKUP + " FROM backups WHERE team_id = ? AND schedule_id = ? AND status = 'SUCCEEDED' ORDER BY id DESC", s -> {
            s.setObject(1, teamId);
            s.setObject(2, scheduleId);
        }, BackupRows::backup);
    }

    /** The schedule that made the backup, if any. */
    Optional<UUID> scheduleOf(UUID teamId, UUID backupId) {
        return Statements.list(jdbc, "SELECT schedule_id FROM backups WHERE team_id = ? AND id = ? AND schedule_id IS NOT NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, backupId);
        }, r -> r.getObject(1, UUID.class)).stream().findFirst();
    }

    void deleteBackup(UUID teamId, UUID id) {
        Statements.update(jdbc, "DELETE FROM backups WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    private static BackupSchedule schedule(ResultSet r) throws SQLException {
        return new BackupSchedule(uuid(r, 1), uuid(r, 2), uuid(r, 3), uuid(r, 4), r.getString(5), r.getString(6), (Integer) r.getObject(7),
                (Integer) r.getObject(8), r.getBoolean(9), instant(r, 10));
    }

    Optional<Backup> backup(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT " + BACKUP + " FROM backups WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, BackupRows::backup).stream().findFirst();
    }

    /** The database's backups, newest first. */
    List<Backup> backupsOf(UUID teamId, UUID databaseId, int limit) {
        return Statements.list(jdbc, "SELECT " + BACKUP + " FROM backups WHERE team_id = ? AND database_id = ? ORDER BY id DESC LIMIT ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, databaseId);
            s.setInt(3, limit);
        }, BackupRows::backup);
    }

    /** Moves a backup from {@code from} to {@code to}; false when it was not in {@code from} (another node has it). */
    boolean move(UUID teamId, UUID id, Backup.Status from, Backup.Status to) {
        return Statements.update(jdbc, "UPDATE backups SET status = ?, started_at = COALESCE(started_at, now()) WHERE team_id = ? AND id = ? AND status = ?", s -> {
            s.setString(1, to.name());
            s.setObject(2, teamId);
            s.setObject(3, id);
            s.setString(4, from.name());
        }) > 0;
    }

    /** Ends a RUNNING backup; false when it was not RUNNING (another node, or an import's expiry, ended it). */
    boolean finish(UUID teamId, UUID id, Backup.Status status, @Nullable Long size, @Nullable String sha256, @Nullable String detail) {
        // only a running backup ends: a node taken over meanwhile cannot overwrite what the one after it recorded
        return Statements.update(jdbc, "UPDATE backups SET status = ?, size_bytes = ?, sha256 = ?, detail = ?, finished_at = now()"
                + " WHERE team_id = ? AND id = ? AND status = 'RUNNING'", s -> {
            s.setString(1, status.name());
            s.setObject(2, size, Types.BIGINT);
            s.setString(3, sha256);
            s.setString(4, detail);
            s.setObject(5, teamId);
            s.setObject(6, id);
        }) > 0;
    }

    /** Moves the backup's restore from {@code from} to {@code to}; false when it was not in {@code from}. */
    boolean moveRestore(UUID teamId, UUID id, Backup.Status from, Backup.Status to, @Nullable String detail) {
        return Statements.update(jdbc, "UPDATE backups SET restore_status = ?, restore_detail = ? WHERE team_id = ? AND id = ? AND restore_status = ?", s -> {
            s.setString(1, to.name());
            s.setString(2, detail);
            s.setObject(3, teamId);
            s.setObject(4, id);
            s.setString(5, from.name());
        }) > 0;
    }

    /** Moves the backup's verification from {@code from} (null: none yet, or one that ended) to {@code to}. */
    boolean moveVerify(UUID teamId, UUID id, @Nullable Backup.Status from, Backup.Status to, @Nullable String verification) {
        var condition = from == null ? "(verify_status IS NULL OR verify_status IN ('SUCCEEDED', 'FAILED'))" : "verify_status = '" + from.name() + "'";
        return Statements.update(jdbc, "UPDATE backups SET verify_status = ?, verification = COALESCE(?, verification),"
                + " verified_at = CASE WHEN ? IN ('SUCCEEDED', 'FAILED') THEN now() ELSE verified_at END WHERE team_id = ? AND id = ? AND " + condition, s -> {
            s.setString(1, to.name());
            s.setString(2, verification);
            s.setString(3, to.name());
            s.setObject(4, teamId);
            s.setObject(5, id);
        }) > 0;
    }

    /** Serialises the operations on one database's data until the transaction ends. */
    void lockOperations(UUID databaseId) {
        Statements.list(jdbc, "SELECT pg_advisory_xact_lock(hashtextextended('database-operations:' || ?::text, 0))", s -> s.setObject(1, databaseId), r -> 1);
    }

    /** Whether a backup of the database is queued or running. */
    boolean backingUp(UUID teamId, UUID databaseId) {
        // an import only writes to its destination: it never holds up a restore into its database
        return !Statements.list(jdbc, "SELECT 1 FROM backups WHERE team_id = ? AND database_id = ? AND status IN ('QUEUED', 'RUNNING') AND NOT imported LIMIT 1", s -> {
            s.setObject(1, teamId);
            s.setObject(2, databaseId);
        }, r -> 1).isEmpty();
    }

    /** Queues a restore of the backup into {@code target}. */
    void queueRestore(UUID teamId, UUID id, UUID target) {
        Statements.update(jdbc, "UPDATE backups SET restore_status = 'QUEUED', restore_detail = NULL, restore_target_id = ? WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, target);
            s.setObject(2, teamId);
            s.setObject(3, id);
        });
    }

    /** The database the backup's last restore goes into. */
    Optional<UUID> restoreTarget(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT COALESCE(restore_target_id, database_id) FROM backups WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, r -> r.getObject(1, UUID.class)).stream().findFirst();
    }

    /** Whether a restore into the database (of any backup) is queued or running. */
    boolean restoringInto(UUID teamId, UUID databaseId) {
        return !Statements.list(jdbc, "SELECT 1 FROM backups WHERE team_id = ? AND COALESCE(restore_target_id, database_id) = ?"
                + " AND restore_status IN ('QUEUED', 'RUNNING') LIMIT 1", s -> {
            s.setObject(1, teamId);
            s.setObject(2, databaseId);
        }, r -> 1).isEmpty();
    }

    @Override
    public void append(UUID teamId, UUID backupId, List<dev.berth.deployment.LogLine> lines) {
        // a batch stored again (its commit's answer lost, then retried) changes nothing
        jdbc.prepareStatement("INSERT INTO backup_logs (backup_id, seq, team_id, at, stream, text) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", s -> {
            for (var line : lines) {
                s.setObject(1, backupId);
                s.setLong(2, line.seq());
                s.setObject(3, teamId);
                s.setTimestamp(4, java.sql.Timestamp.from(line.at()));
                s.setString(5, line.stream());
                s.setString(6, line.text());
                s.addBatch();
            }
            return s.executeBatch();
        });
    }

    @Override
    public List<dev.berth.deployment.LogLine> after(UUID teamId, UUID backupId, long afterSeq, int limit) {
        return Statements.list(jdbc, "SELECT seq, at, stream, text FROM backup_logs WHERE team_id = ? AND backup_id = ? AND seq > ? ORDER BY seq LIMIT ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, backupId);
            s.setLong(3, afterSeq);
            s.setInt(4, limit);
        }, r -> new dev.berth.deployment.LogLine(r.getLong(1), instant(r, 2), r.getString(3), r.getString(4)));
    }

    @Override
    public String channel(UUID teamId, UUID backupId) {
        return dev.berth.events.RedisKeys.tenant(teamId, "backup-logs", backupId);
    }

    long lastSeq(UUID teamId, UUID backupId) {
        return Statements.one(jdbc, "SELECT coalesce(max(seq), 0) FROM backup_logs WHERE team_id = ? AND backup_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, backupId);
        }, r -> r.getLong(1));
    }

    private static BackupDestination destination(ResultSet r) throws SQLException {
        return new BackupDestination(uuid(r, 1), uuid(r, 2), r.getString(3), BackupDestination.Kind.valueOf(r.getString(4)), r.getString(5),
                r.getString(6), r.getString(7), r.getString(8), r.getBoolean(9), r.getString(10), r.getString(11), uuid(r, 12), r.getString(13),
                instant(r, 14));
    }

    private static Backup backup(ResultSet r) throws SQLException {
        return new Backup(uuid(r, 1), uuid(r, 2), uuid(r, 3), uuid(r, 4), EngineKind.valueOf(r.getString(5)), Backup.Status.valueOf(r.getString(6)),
                r.getString(7), (Long) r.getObject(8), r.getString(9), r.getString(10),
                r.getString(11) == null ? null : Backup.Status.valueOf(r.getString(11)), r.getString(12), instant(r, 13), instant(r, 14), instant(r, 15),
                r.getString(16) == null ? null : Backup.Status.valueOf(r.getString(16)), r.getString(17), instant(r, 18), r.getBoolean(19),
                r.getBoolean(20));
    }
}
