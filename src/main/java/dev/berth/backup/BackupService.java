package dev.berth.backup;

import dev.berth.api.Viewer;
import dev.berth.database.DatabaseService;
import dev.berth.database.EngineKind;
import dev.berth.errors.ConflictException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.jobs.JobQueue;
import dev.berth.secrets.Secret;
import dev.berth.secrets.SecretBox;
import dev.berth.storage.Ids;
import dev.berth.storage.InTeam;
import dev.berth.storage.UniqueViolation;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/** Backup destinations and backups of the viewer's team: a backup or restore is a job; this records and queues it. */
@Singleton
public class BackupService {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final BackupRows rows;
    private final SecretBox box;
    private final JobQueue jobs;
    private final DatabaseService databases;
    private final dev.berth.storage.TeamTransactions transactions;
    private final BackupProperties properties;
    private final dev.berth.server.ServerService servers;
    private final dev.berth.server.ServerCommands commands;
    private final BackupLogs logs;

    BackupService(BackupRows rows, SecretBox box, JobQueue jobs, DatabaseService databases, dev.berth.storage.TeamTransactions transactions,
                  BackupProperties properties, dev.berth.server.ServerService servers, dev.berth.server.ServerCommands commands, BackupLogs logs) {
        this.logs = logs;
        this.servers = servers;
        this.commands = commands;
        this.properties = properties;
        this.transactions = transactions;
        this.rows = rows;
        this.box = box;
        this.jobs = jobs;
        this.databases = databases;
    }

    /** createBackupDestination's input, validated at the edge: an S3 bucket or a server's directory. */
    public sealed interface NewDestination {
        String name();
    }

    /** An S3-compatible bucket. */
    public record NewS3(String name, String endpoint, String region, String bucket, String pathPrefix, boolean pathStyle,
                        String accessKey, Secret secretKey) implements NewDestination {}

    /** A directory on one of the team's servers (an absolute, normalised path). */
    public record NewServerDirectory(String name, UUID serverId, String directory) implements NewDestination {}

    @InTeam
    public BackupDestination create(Viewer viewer, NewDestination input) {
        var id = Ids.next();
        var destination = switch (input) {
            case NewS3 s3 -> new BackupDestination(id, viewer.teamId(), s3.name(), BackupDestination.Kind.S3, s3.endpoint(), s3.region(), s3.bucket(),
                    s3.pathPrefix(), s3.pathStyle(), s3.accessKey(), box.seal(s3.secretKey(), "backup-destinations:" + id), null, null, Instant.now());
            case NewServerDirectory directory -> {
                var server = servers.server(viewer, directory.serverId());
                if (server.local()) {
                    throw new InvalidInputException("input.serverId", "the Berth host's own Docker runs no commands: use an S3 destination, or a server reached over SSH");
                }
                yield new BackupDestination(id, viewer.teamId(), directory.name(), BackupDestination.Kind.SERVER_DIRECTORY, null, null, null, "", false,
                        null, null, server.id(), directory.directory(), Instant.now());
            }
        };
        UniqueViolation.orConflict(() -> {
            rows.insert(destination);
            return null;
        }, "A backup destination named '" + input.name() + "' already exists.");
        return destination;
    }

    @InTeam(readOnly = true)
    public List<BackupDestination> destinations(Viewer viewer) {
        return rows.destinations(viewer.teamId());
    }

    /** The destination, or empty when it was deleted (a backup keeps its id until then). */
    @InTeam(readOnly = true)
    public java.util.Optional<BackupDestination> findDestination(Viewer viewer, UUID id) {
        return rows.destination(viewer.teamId(), id);
    }

    @InTeam(readOnly = true)
    public BackupDestination destination(Viewer viewer, UUID id) {
        return rows.destination(viewer.teamId(), id).orElseThrow(() -> new NotFoundException("BackupDestination", id));
    }

    /** Deletes the destination (not what is stored there): its backups stay listed, without a way to restore them. */
    @InTeam
    public UUID deleteDestination(Viewer viewer, UUID id) {
        destination(viewer, id);
        rows.deleteDestination(viewer.teamId(), id);
        return id;
    }

    /** Writes, reads back and deletes a small object (outside any transaction); the answer says which step failed and why. */
    public TestResult test(Viewer viewer, UUID id) {
        var destination = transactions.read(viewer, () -> rows.destination(viewer.teamId(), id)).orElseThrow(() -> new NotFoundException("BackupDestination", id));
        var key = destination.key(".berth-test-" + UUID.randomUUID());
        var probe = ("berth " + Instant.now()).getBytes(StandardCharsets.UTF_8);
        String step = "connect";
        try (var store = store(viewer, destination)) {
            step = "write";
            store.put(key, probe);
            step = "read";
            if (!java.util.Arrays.equals(store.get(key, probe.length + 1), probe)) return new TestResult(false, "read", "the object read back differs");
            step = "delete";
            store.delete(key);
            return new TestResult(true, null, null);
        } catch (RuntimeException | java.io.IOException e) {
            return new TestResult(false, step, dev.berth.execution.Reasons.plain(e));
        }
    }

    /** What testBackupDestination answers. */
    public record TestResult(boolean ok, @Nullable String failedStep, @Nullable String reason) {}

    /** The destination's store, acting as {@code viewer} (a server directory is reached through the team's server). */
    BackupStore store(Viewer viewer, BackupDestination destination) {
        return switch (destination.kind()) {
            case S3 -> new S3Store(destination, box.open(destination.secretKeySealed(), destination.sealContext()));
            case SERVER_DIRECTORY -> new ServerDirectoryStore(commands, viewer, destination.serverId(), destination.directory());
        };
    }

    /** createBackupSchedule's input, validated at the edge (the cron and time zone here). */
    public record NewSchedule(UUID databaseId, UUID destinationId, String cron, String timeZone, @Nullable Integer retainCount,
                              @Nullable Integer retainDays, boolean verify) {}

    @InTeam
    public BackupSchedule schedule(Viewer viewer, NewSchedule input) {
        var database = databases.get(viewer, input.databaseId());
        var destination = destination(viewer, input.destinationId());
        BackupSchedule.atMostEvery(BackupSchedule.cronSchedule(input.cron(), input.timeZone()), properties.minInterval());
        if (input.verify() && !BackupJob.restores(database.engine())) {
            throw new InvalidInputException("input.verify", "verifying " + database.engine() + " backups is not there yet");
        }
        var schedule = new BackupSchedule(Ids.next(), viewer.teamId(), database.id(), destination.id(), input.cron().trim(), input.timeZone(),
                input.retainCount(), input.retainDays(), input.verify(), Instant.now());
        rows.insert(schedule);
        jobs.enqueue(BackupJob.SCHEDULE, JobQueue.instance(viewer.teamId(), schedule.id()), schedule.nextAfter(Instant.now()));
        return schedule;
    }

    @InTeam(readOnly = true)
    public BackupSchedule getSchedule(Viewer viewer, UUID id) {
        var schedule = rows.schedule(viewer.teamId(), id).orElseThrow(() -> new NotFoundException("BackupSchedule", id));
        databases.get(viewer, schedule.databaseId());
        return schedule;
    }

    @InTeam(readOnly = true)
    public List<BackupSchedule> schedulesOf(Viewer viewer, UUID databaseId) {
        databases.get(viewer, databaseId);
        return rows.schedulesOf(viewer.teamId(), databaseId);
    }

    /** Deletes a schedule: no run starts after it (a backup already queued goes on); its backups stay. */
    @InTeam
    public UUID deleteSchedule(Viewer viewer, UUID id) {
        getSchedule(viewer, id);
        rows.deleteSchedule(viewer.teamId(), id);
        jobs.dequeue(BackupJob.SCHEDULE, JobQueue.instance(viewer.teamId(), id));
        return id;
    }

    /** Queues a backup of the database to the destination. */
    @InTeam
    public Backup backup(Viewer viewer, UUID databaseId, UUID destinationId, boolean verify) {
        var engine = databases.get(viewer, databaseId).engine();
        if (verify && !BackupJob.restores(engine)) throw new InvalidInputException("input.verify", "verifying " + engine + " backups is not there yet");
        return backup(viewer, databaseId, destinationId, verify, null);
    }

    /** Queues a backup, made by {@code scheduleId} when not null (inside the caller's transaction). */
    Backup backup(Viewer viewer, UUID databaseId, UUID destinationId, boolean verify, @Nullable UUID scheduleId) {
        var database = databases.get(viewer, databaseId);
        var destination = destination(viewer, destinationId);
        rows.lockOperations(database.id());
        if (rows.restoringInto(viewer.teamId(), database.id())) throw new ConflictException("The database is being restored; back it up once that ended.");
        if (scheduleId != null && rows.scheduleBusy(viewer.teamId(), scheduleId)) {
            throw new ConflictException("The schedule's previous backup has not ended: this firing is skipped.");
        }
        var id = Ids.next();
        var key = destination.key("berth/" + database.id() + "/" + STAMP.format(Instant.now()) + "-" + id + "." + extension(database.engine()));
        var backup = new Backup(id, viewer.teamId(), database.id(), destination.id(), database.engine(), Backup.Status.QUEUED, key,
                null, null, null, null, null, Instant.now(), null, null, null, null, null, verify, false);
        rows.insert(backup, scheduleId);
        jobs.enqueue(BackupJob.BACKUP, JobQueue.instance(viewer.teamId(), id), Instant.now());
        return backup;
    }

    static String extension(EngineKind engine) {
        return switch (engine) {
            case POSTGRESQL -> "pgdump";
            case MYSQL, MARIADB -> "sql";
            case MONGODB -> "archive";
            case REDIS, KEYDB, DRAGONFLY -> "rdb";
            case CLICKHOUSE -> "zip";
        };
    }

    @InTeam(readOnly = true)
    public Backup get(Viewer viewer, UUID id) {
        var backup = rows.backup(viewer.teamId(), id).orElseThrow(() -> new NotFoundException("Backup", id));
        databases.get(viewer, backup.databaseId()); // a project-limited token sees the backups of its databases only
        return backup;
    }

    /** Lines of the backup's log after {@code afterSeq}. */
    @InTeam(readOnly = true)
    public List<dev.berth.deployment.LogLine> logs(Viewer viewer, UUID backupId, long afterSeq, int limit) {
        get(viewer, backupId);
        return rows.after(viewer.teamId(), backupId, afterSeq, limit);
    }

    /** Follows the log of a backup the viewer may see (NOT_FOUND otherwise, before anything is subscribed). */
    public reactor.core.publisher.Flux<dev.berth.deployment.LogLine> follow(Viewer viewer, UUID backupId, long afterSeq) {
        transactions.read(viewer, () -> get(viewer, backupId));
        return logs.follow(viewer, backupId, afterSeq);
    }

    @InTeam(readOnly = true)
    public List<Backup> backupsOf(Viewer viewer, UUID databaseId, int first) {
        if (first < 1 || first > 100) throw new InvalidInputException("first", "1 to 100");
        databases.get(viewer, databaseId);
        return rows.backupsOf(viewer.teamId(), databaseId, first);
    }

    /** Queues the verification of a backup that succeeded: restored into a throwaway container, then inspected. */
    @InTeam
    public Backup verify(Viewer viewer, UUID backupId) {
        rows.lockBackup(viewer.teamId(), backupId);
        var backup = get(viewer, backupId);
        // one run of a backup at a time writes its log: not while it is restored
        if (backup.restoreStatus() != null && backup.restoreStatus().busy()) throw new ConflictException("This backup is being restored; verify it once that ended.");
        if (backup.status() != Backup.Status.SUCCEEDED) throw new ConflictException("Only a backup that succeeded can be verified.");
        if (backup.destinationId() == null) throw new ConflictException("The backup's destination was deleted.");
        if (!BackupJob.restores(backup.engine())) throw new ConflictException("Verifying " + backup.engine() + " backups is not there yet.");
        if (!rows.moveVerify(viewer.teamId(), backupId, null, Backup.Status.QUEUED, null)) throw new ConflictException("This backup is being verified already.");
        jobs.enqueue(BackupJob.VERIFY, JobQueue.instance(viewer.teamId(), backupId), Instant.now());
        return rows.backup(viewer.teamId(), backupId).orElseThrow();
    }

    /**
     * Queues the restore of a backup into its own database, or into {@code targetId} (another database of the team, of
     * the same engine), whose name the caller confirms: the restore replaces its data.
     */
    @InTeam
    public Backup restore(Viewer viewer, UUID backupId, @Nullable UUID targetId, String confirmDatabaseName) {
        rows.lockBackup(viewer.teamId(), backupId);
        var backup = get(viewer, backupId);
        var target = databases.get(viewer, targetId == null ? backup.databaseId() : targetId);
        if (target.engine() != backup.engine()) {
            throw new InvalidInputException("input.targetDatabaseId", "the backup is of " + backup.engine() + "; this database runs " + target.engine());
        }
        if (!target.name().equals(confirmDatabaseName)) {
            throw new InvalidInputException("input.confirmDatabaseName", "name the database the backup replaces the data of: " + target.name());
        }
        if (backup.status() != Backup.Status.SUCCEEDED) throw new ConflictException("Only a backup that succeeded can be restored.");
        if (backup.destinationId() == null) throw new ConflictException("The backup's destination was deleted.");
        if (!BackupJob.restores(backup.engine())) {
            throw new ConflictException("Restoring " + backup.engine() + " backups through Berth is not there yet; see the README to do it by hand.");
        }
        // one restore into a database at a time, none while it is backed up, and one restore of a backup at a time
        rows.lockOperations(target.id());
        if (rows.restoringInto(viewer.teamId(), target.id())) throw new ConflictException("The database is being restored already.");
        if (rows.backingUp(viewer.teamId(), target.id())) throw new ConflictException("The database is being backed up; restore once that ended.");
        if (backup.restoreStatus() == Backup.Status.QUEUED || backup.restoreStatus() == Backup.Status.RUNNING) {
            throw new ConflictException("This backup is being restored already.");
        }
        if (backup.verifyStatus() != null && backup.verifyStatus().busy()) throw new ConflictException("This backup is being verified; restore it once that ended.");
        rows.queueRestore(viewer.teamId(), backupId, target.id());
        jobs.enqueue(BackupJob.RESTORE, JobQueue.instance(viewer.teamId(), backupId), Instant.now());
        return rows.backup(viewer.teamId(), backupId).orElseThrow();
    }
}
