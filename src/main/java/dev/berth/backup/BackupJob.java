package dev.berth.backup;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.berth.api.Viewer;
import dev.berth.database.DatabaseService;
import dev.berth.database.Engine;
import dev.berth.database.EngineKind;
import dev.berth.execution.Containers;
import dev.berth.execution.Reasons;
import dev.berth.jobs.Job;
import dev.berth.jobs.JobQueue;
import dev.berth.server.ServerCommands;
import dev.berth.storage.TeamTransactions;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups and restores as jobs. A backup runs the engine's dump inside the database's container and streams its stdout
 * into a multipart upload (one part in memory at a time), counting and hashing what goes; it SUCCEEDS only when the
 * dump exited 0, wrote something, and the stored object has every byte. Anything else aborts the upload and FAILS, with
 * why. A node that dies mid-backup leaves an upload never completed: the next attempt marks that backup FAILED. A
 * restore copies the object into the container (streamed, pinned by its ETag), checks it is the backup byte for byte
 * (size and SHA-256), and only then runs the engine's restore reading it. Whatever a backup or restore leaves running
 * in the container when Berth gives up on it is killed (Docker does not end an exec whose client left), and its files
 * removed. A node runs at most {@link #PER_NODE} of them at once, so they never hold every job thread.
 */
@Factory
class BackupJob {
    static final String BACKUP = "database-backup";
    static final String RESTORE = "database-restore";
    static final String VERIFY = "backup-verify";
    static final String SCHEDULE = "backup-schedule";
    private static final Logger LOG = LoggerFactory.getLogger(BackupJob.class);
    /** How long a dump or a restore may run. */
    static final Duration WITHIN = Duration.ofHours(6);

    private final BackupRows rows;
    private final BackupService backups;
    private final DatabaseService databases;
    private final ServerCommands commands;
    private final TeamTransactions transactions;
    private final dev.berth.database.Throwaways throwaways;
    private final JobQueue jobs;
    private final BackupLogs logs;
    private final BackupImports imports;

    BackupJob(BackupRows rows, BackupService backups, DatabaseService databases, ServerCommands commands, TeamTransactions transactions,
              dev.berth.database.Throwaways throwaways, JobQueue jobs, BackupLogs logs, BackupImports imports) {
        this.imports = imports;
        this.logs = logs;
        this.throwaways = throwaways;
        this.jobs = jobs;
        this.rows = rows;
        this.backups = backups;
        this.databases = databases;
        this.commands = commands;
        this.transactions = transactions;
    }

    /** Whether Berth restores this engine's backups (the Redis family needs its server stopped around the file). */
    static boolean restores(EngineKind engine) {
        return switch (engine) {
            case POSTGRESQL, MYSQL, MARIADB, MONGODB, CLICKHOUSE, REDIS -> true;
            case KEYDB, DRAGONFLY -> false; // their append-only files differ from Redis 7's: by hand (README)
        };
    }

    /** Backups and restores a node runs at once: each holds a job thread for as long as it streams. */
    static final int PER_NODE = 2;
    private final java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(PER_NODE);

    @Bean
    Job backupTask() {
        return () -> Tasks.custom(BACKUP, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), BACKUP);
            var id = JobQueue.subject(instance.getId());
            var imported = transactions.read(system, () -> rows.backup(system.teamId(), id)).filter(Backup::imported).orElse(null);
            if (imported != null) { // its job is the upload's expiry: the upload itself comes over HTTP
                var again = imports.expire(system, imported);
                if (again == null) return new CompletionHandler.OnCompleteRemove<>();
                return (complete, operations) -> operations.reschedule(complete, again);
            }
            return limited(() -> backup(system, id));
        });
    }

    @Bean
    Job restoreTask() {
        return () -> Tasks.custom(RESTORE, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), RESTORE);
            var id = JobQueue.subject(instance.getId());
            return againIfQueued(limited(() -> restore(system, id)), system, id, Backup::restoreStatus);
        });
    }

    /**
     * {@code handler}, unless the status was asked for again while this run was ending (the new queueing found this
     * job's row and was dropped): then the job runs again at once.
     */
    private CompletionHandler<Void> againIfQueued(CompletionHandler<Void> handler, Viewer system, UUID id,
                                                  java.util.function.Function<Backup, Backup.Status> status) {
        if (!(handler instanceof CompletionHandler.OnCompleteRemove<Void>)) return handler;
        var now = transactions.read(system, () -> rows.backup(system.teamId(), id)).map(status).orElse(null);
        if (now == Backup.Status.QUEUED) return (complete, operations) -> operations.reschedule(complete, java.time.Instant.now());
        return handler;
    }

    @Bean
    Job verifyTask() {
        return () -> Tasks.custom(VERIFY, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), VERIFY);
            var id = JobQueue.subject(instance.getId());
            return againIfQueued(limited(() -> verify(system, id)), system, id, Backup::verifyStatus);
        });
    }

    @Bean
    Job scheduleTask() {
        return () -> Tasks.custom(SCHEDULE, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), SCHEDULE);
            var id = JobQueue.subject(instance.getId());
            var schedule = transactions.read(system, () -> rows.schedule(system.teamId(), id)).orElse(null);
            if (schedule == null) return new CompletionHandler.OnCompleteRemove<>(); // deleted meanwhile
            try {
                transactions.write(system, () -> backups.backup(system, schedule.databaseId(), schedule.destinationId(), schedule.verify(), id));
            } catch (dev.berth.errors.NotFoundException gone) { // its database is gone: the schedule goes with it
                transactions.write(system, () -> {
                    rows.deleteSchedule(system.teamId(), id);
                    return null;
                });
                return new CompletionHandler.OnCompleteRemove<>();
            } catch (RuntimeException e) { // e.g. a restore under way: this run is skipped, the next comes
                LOG.warn("event=scheduled-backup-skipped schedule={} reason={}", id, Reasons.plain(e));
            }
            // one run per firing, however long the node was down: the next is computed from now
            var next = schedule.nextAfter(java.time.Instant.now());
            return (complete, operations) -> operations.reschedule(complete, next);
        });
    }

    /**
     * After a scheduled backup succeeded: its schedule's older successful backups beyond {@code retainCount}, or older
     * than {@code retainDays}, are deleted (object first, then row); the newest one never is.
     */
    private void prune(Viewer system, UUID backupId, BackupStore store) {
        var scheduleId = transactions.read(system, () -> rows.scheduleOf(system.teamId(), backupId)).orElse(null);
        if (scheduleId == null) return;
        var schedule = transactions.read(system, () -> rows.schedule(system.teamId(), scheduleId)).orElse(null);
        if (schedule == null || (schedule.retainCount() == null && schedule.retainDays() == null)) return;
        var kept = transactions.read(system, () -> rows.succeededOf(system.teamId(), scheduleId));
        var oldest = schedule.retainDays() == null ? null : java.time.Instant.now().minus(Duration.ofDays(schedule.retainDays()));
        for (int i = 1; i < kept.size(); i++) {
            var backup = kept.get(i);
            boolean beyond = schedule.retainCount() != null && i >= schedule.retainCount();
            boolean old = oldest != null && backup.createdAt().isBefore(oldest);
            if (!beyond && !old) continue;
            if (!schedule.destinationId().equals(backup.destinationId())) continue; // stored elsewhere: left alone
            try {
                store.delete(backup.objectKey());
                transactions.write(system, () -> {
                    rows.deleteBackup(system.teamId(), backup.id());
                    return null;
                });
                LOG.info("event=backup-pruned backup={} schedule={}", backup.id(), scheduleId);
            } catch (RuntimeException e) {
                LOG.warn("event=backup-prune-failed backup={} reason={}", backup.id(), Reasons.plain(e));
            }
        }
    }

    /** Runs {@code work} when this node has room, else leaves the job for 15 s (the other jobs keep their threads). */
    private CompletionHandler<Void> limited(Runnable work) {
        if (!running.tryAcquire()) return (complete, operations) -> operations.reschedule(complete, java.time.Instant.now().plusSeconds(15));
        try {
            work.run();
        } finally {
            running.release();
        }
        return new CompletionHandler.OnCompleteRemove<>();
    }

    /** Where the command's process id is kept inside the container, so that it can be killed when Berth gives up on it. */
    private static String pidFile(UUID id) {
        return "/tmp/berth-" + id + ".pid";
    }

    /** {@code argv} run so that its process id is in {@link #pidFile} (the script is constant; the path and argv are arguments). */
    private static List<String> killable(UUID id, List<String> argv) {
        var wrapped = new java.util.ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\"; exec \"$@\"", pidFile(id)));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Ends what a backup or restore left running in the container (Docker does not end an exec whose client left), and its files. */
    private static void cleanUp(DatabaseService.Inside inside, UUID id, @Nullable String file) {
        try {
            var argv = new java.util.ArrayList<>(List.of("sh", "-c", "if [ -s \"$0\" ]; then kill \"$(cat \"$0\")\" 2>/dev/null; fi; rm -f \"$0\" \"$1\"",
                    pidFile(id), file == null ? "" : file));
            inside.containers().exec(inside.containerId(), argv, java.util.Map.of(), Duration.ofSeconds(30), 1024);
        } catch (RuntimeException e) {
            LOG.warn("event=backup-cleanup-failed id={} reason={}", id, Reasons.plain(e));
        }
    }

    void backup(Viewer system, UUID id) {
        var backup = transactions.read(system, () -> rows.backup(system.teamId(), id)).orElse(null);
        if (backup == null) return;
        if (!transactions.write(system, () -> rows.move(system.teamId(), id, Backup.Status.QUEUED, Backup.Status.RUNNING))) {
            if (backup.status() == Backup.Status.RUNNING) { // its node stopped or died: what it left is ended, the backup FAILED
                try {
                    cleanUp(databases.inside(system, backup.databaseId(), commands), id, null);
                } catch (RuntimeException ignored) {
                    // the database is not running: nothing of the dump is left
                }
                try (var log = logs.open(system, id)) {
                    finish(system, log, id, Backup.Status.FAILED, null, null, "interrupted: the node running it stopped");
                }
                logs.endIfIdle(system, id);
            }
            return;
        }
        try (var log = logs.open(system, id)) {
            backup(system, backup, log);
        }
        logs.endIfIdle(system, id);
    }

    private void backup(Viewer system, Backup backup, BackupLogs.Run log) {
        var id = backup.id();
        BackupStore.Upload upload = null;
        DatabaseService.Inside inside = null;
        try (var store = backups.store(system, transactions.read(system, () -> rows.destination(system.teamId(), backup.destinationId()))
                .orElseThrow(() -> new IllegalStateException("its destination was deleted")))) {
            inside = databases.inside(system, backup.databaseId(), commands);
            log.hide(List.of(inside.credentials().password().value()));
            log.step("Backing up " + inside.database().name() + " (" + backup.engine() + ") with " + inside.database().engineSpec().dumpFormat());
            var before = counts(inside);
            if (before != null) {
                log.step("It holds " + holding(backup.engine(), before));
                transactions.write(system, () -> {
                    rows.source(system.teamId(), id, before[0], before[1]);
                    return null;
                });
            }
            var dump = inside.database().engineSpec().dump(inside.credentials());
            upload = store.upload(backup.objectKey());
            log.step("Streaming the dump to " + backup.objectKey());
            var counted = new Counted(upload, log);
            var result = inside.containers().execTo(inside.containerId(), killable(id, dump.argv()), dump.env(), counted, WITHIN, 16 * 1024);
            if (result.exitCode() != 0) {
                upload.abort();
                cleanUp(inside, id, null);
                finish(system, log, id, Backup.Status.FAILED, null, null, masked(inside, result.exitCode() == -1
                        ? "the dump did not end within " + WITHIN.toHours() + " h" : "the dump exited " + result.exitCode() + lastLine(result.stderr())));
                return;
            }
            if (counted.size == 0) {
                upload.abort();
                finish(system, log, id, Backup.Status.FAILED, 0L, null, "the dump was empty");
                return;
            }
            upload.close();
            long stored = store.size(backup.objectKey());
            if (stored != counted.size) {
                store.delete(backup.objectKey());
                finish(system, log, id, Backup.Status.FAILED, stored, null, "the stored object has " + stored + " bytes of " + counted.size);
                return;
            }
            log.step("Stored " + counted.size + " bytes, SHA-256 " + counted.sha256());
            // SUCCEEDED and its verification queued at once: nobody sees the backup idle between the two
            finish(system, log, id, Backup.Status.SUCCEEDED, counted.size, counted.sha256(), null, backup.verifyRequested());
            cleanUp(inside, id, null);
            if (!backup.verifyRequested()) prune(system, id, store); // else once it is verified: a bad one never pushes out a good one
            LOG.info("event=backup-succeeded backup={} bytes={}", id, counted.size);
        } catch (Containers.Stopped stopped) {
            if (upload != null) upload.abort();
            if (inside != null) cleanUp(inside, id, null);
            finish(system, log, id, Backup.Status.FAILED, null, null, "interrupted: the node running it stopped");
        } catch (IOException | RuntimeException e) {
            if (upload != null) upload.abort();
            if (inside != null) cleanUp(inside, id, null);
            LOG.warn("event=backup-failed backup={} reason={}", id, Reasons.plain(e));
            finish(system, log, id, Backup.Status.FAILED, null, null, masked(inside, Reasons.plain(e)));
        }
    }

    /**
     * Copies the backup's object into the container at {@code file}, pinned by its ETag, and checks it is the backup
     * byte for byte (size and SHA-256) before anything reads it.
     */
    private static void copyChecked(BackupStore store, Backup backup, DatabaseService.Inside inside, String file) throws IOException {
        var head = store.head(backup.objectKey());
        if (backup.sizeBytes() == null || head.size() != backup.sizeBytes()) {
            throw new IllegalStateException("the stored object has " + head.size() + " bytes; the backup had " + backup.sizeBytes());
        }
        java.security.MessageDigest digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (var content = new java.security.DigestInputStream(store.download(backup.objectKey(), head.etag()), digest)) {
            inside.containers().copyInto(inside.containerId(), "/tmp", file.substring("/tmp/".length()), head.size(), content);
        }
        var copied = HexFormat.of().formatHex(digest.digest());
        if (!copied.equals(backup.sha256())) throw new IllegalStateException("the stored object differs from the backup (its SHA-256 is " + copied + ")");
    }

    /** The engine's restore of {@code file} inside the container, killable. */
    private static dev.berth.execution.ExecResult restoreFrom(DatabaseService.Inside inside, UUID id, String file) {
        var engine = inside.database().engineSpec();
        var restore = engine.restore(inside.credentials());
        // the engine's restore reads the file on its stdin; the script is constant, the file and argv are arguments
        var argv = new java.util.ArrayList<>(List.of("sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "berth-restore", file));
        argv.addAll(restore.argv());
        var result = inside.containers().exec(inside.containerId(), killable(id, argv), restore.env(), WITHIN, 16 * 1024);
        if (!engine.restartsToLoad()) return result;
        // the data in place, the server loads it when it starts again: stopped (it saves nothing now) and started
        if (!result.succeeded() || !result.stdout().contains(Engine.IN_PLACE)) {
            return result.succeeded() ? new dev.berth.execution.ExecResult(1, result.stdout(), "the restore did not put the data in place") : result;
        }
        inside.containers().stop(inside.containerId(), Duration.ofSeconds(30));
        if (!started(inside)) {
            return new dev.berth.execution.ExecResult(1, "", "the server did not answer its probe within " + RELOAD_WITHIN.toMinutes()
                    + " min of loading the backup (the data it replaced is kept beside it, in appendonlydir.berth-old)");
        }
        // loaded and answering: what it replaced goes
        inside.containers().exec(inside.containerId(), List.of("rm", "-rf", "/data/appendonlydir.berth-old"), java.util.Map.of(), Duration.ofMinutes(5), 1024);
        return new dev.berth.execution.ExecResult(0, "", "");
    }

    /** How long a server that restarts to load a restore may take to answer its probe again. */
    private static final Duration RELOAD_WITHIN = Duration.ofMinutes(10);

    /** Starts the stopped container again (unless something else did meanwhile) and waits until its server answers its probe. */
    private static boolean started(DatabaseService.Inside inside) {
        var containers = inside.containers();
        var probe = inside.database().engineSpec().probe(inside.credentials());
        long deadline = System.nanoTime() + RELOAD_WITHIN.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!containers.running(inside.containerId())) {
                    try {
                        containers.start(inside.containerId());
                    } catch (RuntimeException e) {
                        // started meanwhile (the database's own converge job): looked at again
                    }
                } else if (containers.exec(inside.containerId(), probe.argv(), probe.env(), Duration.ofSeconds(10), 1024).succeeded()) {
                    return true;
                }
                Thread.sleep(500);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Containers.Stopped();
        }
    }

    void verify(Viewer system, UUID id) {
        var backup = transactions.read(system, () -> rows.backup(system.teamId(), id)).orElse(null);
        if (backup == null) return;
        if (!transactions.write(system, () -> rows.moveVerify(system.teamId(), id, Backup.Status.QUEUED, Backup.Status.RUNNING, null))) {
            if (backup.verifyStatus() == Backup.Status.RUNNING) { // its node stopped or died: its throwaway goes, the verification FAILED
                try {
                    throwaways.forget(system, backup.databaseId(), id);
                } catch (RuntimeException e) {
                    LOG.warn("event=verify-cleanup-failed backup={} reason={}", id, Reasons.plain(e));
                }
                try (var log = logs.open(system, id)) {
                    log.step("Verification failed: interrupted: the node running it stopped");
                }
                transactions.write(system, () -> rows.moveVerify(system.teamId(), id, Backup.Status.RUNNING, Backup.Status.FAILED,
                        "interrupted: the node running it stopped"));
                logs.endIfIdle(system, id);
            }
            return;
        }
        var file = "/tmp/berth-verify-" + id;
        Backup.Status status;
        String verification;
        var log = logs.open(system, id);
        log.step("Verifying: restoring into a throwaway container of the same engine on the database's server");
        try (var store = backups.store(system, transactions.read(system, () -> rows.destination(system.teamId(), backup.destinationId()))
                .orElseThrow(() -> new IllegalStateException("its destination was deleted")));
             var throwaway = throwaways.start(system, backup.databaseId(), id)) {
            var inside = throwaway.inside();
            log.step("The throwaway container is ready; copying the backup into it");
            copyChecked(store, backup, inside, file);
            log.step("Copied " + backup.sizeBytes() + " bytes, SHA-256 checked; restoring");
            var restored = restoreFrom(inside, id, file);
            if (!restored.succeeded()) {
                status = Backup.Status.FAILED;
                verification = "the restore exited " + restored.exitCode() + lastLine(restored.stderr());
            } else {
                var restoredCounts = counts(inside);
                var source = transactions.read(system, () -> rows.source(system.teamId(), id)).orElse(null);
                Long held = source == null ? null : source.tables();
                Long heldRows = source == null ? null : source.rows();
                if (inside.database().engineSpec().inspect(inside.credentials()) == null) {
                    status = Backup.Status.SUCCEEDED;
                    verification = "restored (this engine's content is not inspected)";
                } else if (restoredCounts == null) {
                    status = Backup.Status.FAILED;
                    verification = "restored, but inspecting it failed";
                } else if (held != null && restoredCounts[0] != held) {
                    status = Backup.Status.FAILED;
                    verification = "restored " + restoredCounts[0] + " tables of the " + held + " the database held";
                } else if (heldRows != null && heldRows > 0 && restoredCounts[1] == 0 && isKeySpace(backup.engine())) {
                    status = Backup.Status.FAILED;
                    verification = "restored, but it holds no keys of the " + heldRows + " the database held";
                } else if (held == null && restoredCounts[0] == 0) {
                    status = Backup.Status.FAILED;
                    verification = "restored, but it holds nothing (no tables)";
                } else {
                    status = Backup.Status.SUCCEEDED;
                    verification = "restored: " + holding(backup.engine(), restoredCounts);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=verify-failed backup={} reason={}", id, Reasons.plain(e));
            status = Backup.Status.FAILED;
            verification = Reasons.plain(e);
        }
        var ended = status;
        var found = verification;
        log.step((ended == Backup.Status.SUCCEEDED ? "Verified: " : "Verification failed: ") + found);
        log.close();
        transactions.write(system, () -> rows.moveVerify(system.teamId(), id, Backup.Status.RUNNING, ended, found));
        logs.endIfIdle(system, id);
        if (ended == Backup.Status.SUCCEEDED && backup.verifyRequested()) {
            try (var store = backups.store(system, transactions.read(system, () -> rows.destination(system.teamId(), backup.destinationId())).orElseThrow())) {
                prune(system, id, store);
            } catch (RuntimeException e) {
                LOG.warn("event=backup-prune-failed backup={} reason={}", id, Reasons.plain(e));
            }
        }
    }

    /** Whether the engine holds keys rather than tables (the Redis family). */
    static boolean isKeySpace(EngineKind engine) {
        return engine == EngineKind.REDIS || engine == EngineKind.KEYDB || engine == EngineKind.DRAGONFLY;
    }

    /** {tables, rows} as words: "3 tables, 5000 rows", or "42 keys" for the Redis family (a key space has no tables). */
    static String holding(EngineKind engine, long[] counts) {
        return switch (engine) {
            case REDIS, KEYDB, DRAGONFLY -> counts[1] + " keys";
            default -> counts[0] + " tables, " + counts[1] + " rows";
        };
    }

    /** What the database in the container holds: {tables, rows} (keys for the Redis family), or null when not inspected. */
    private static long @Nullable [] counts(DatabaseService.Inside inside) {
        var inspect = inside.database().engineSpec().inspect(inside.credentials());
        if (inspect == null) return null;
        var seen = inside.containers().exec(inside.containerId(), inspect.argv(), inspect.env(), Duration.ofMinutes(10), 4096);
        var fields = seen.stdout().strip().split("\\s+");
        if (!seen.succeeded() || fields.length != 2) return null;
        try {
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code text} without the database's password. */
    private static String masked(@Nullable DatabaseService.Inside inside, String text) {
        if (inside == null || inside.credentials().password().value().isEmpty()) return text;
        return text.replace(inside.credentials().password().value(), "***");
    }

    void restore(Viewer system, UUID id) {
        var backup = transactions.read(system, () -> rows.backup(system.teamId(), id)).orElse(null);
        if (backup == null) return;
        var file = "/tmp/berth-restore-" + id;
        if (!transactions.write(system, () -> rows.moveRestore(system.teamId(), id, Backup.Status.QUEUED, Backup.Status.RUNNING, null))) {
            if (backup.restoreStatus() == Backup.Status.RUNNING) { // its node stopped or died
                try {
                    var target = transactions.read(system, () -> rows.restoreTarget(system.teamId(), id)).orElse(backup.databaseId());
                    cleanUp(databases.inside(system, target, commands), id, file);
                } catch (RuntimeException ignored) {
                    // the database is not running
                }
                try (var log = logs.open(system, id)) {
                    log.step("Restore failed: interrupted: the node running it stopped");
                }
                transactions.write(system, () -> rows.moveRestore(system.teamId(), id, Backup.Status.RUNNING, Backup.Status.FAILED,
                        "interrupted: the node running it stopped"));
                logs.endIfIdle(system, id);
            }
            return;
        }
        DatabaseService.Inside inside = null;
        String detail;
        Backup.Status status;
        var log = logs.open(system, id);
        try (var store = backups.store(system, transactions.read(system, () -> rows.destination(system.teamId(), backup.destinationId()))
                .orElseThrow(() -> new IllegalStateException("its destination was deleted")))) {
            var target = transactions.read(system, () -> rows.restoreTarget(system.teamId(), id)).orElse(backup.databaseId());
            inside = databases.inside(system, target, commands);
            log.hide(List.of(inside.credentials().password().value()));
            log.step("Restoring into " + inside.database().name() + ": copying the backup into its container");
            copyChecked(store, backup, inside, file);
            log.step("Copied " + backup.sizeBytes() + " bytes, SHA-256 checked; restoring (the database's data is replaced)");
            var result = restoreFrom(inside, id, file);
            status = result.succeeded() ? Backup.Status.SUCCEEDED : Backup.Status.FAILED;
            detail = result.succeeded() ? null : masked(inside, "the restore exited " + result.exitCode() + lastLine(result.stderr()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=restore-failed backup={} reason={}", id, Reasons.plain(e));
            status = Backup.Status.FAILED;
            detail = masked(inside, Reasons.plain(e));
        } finally {
            if (inside != null) cleanUp(inside, id, file);
        }
        var ended = status;
        var why = detail;
        log.step(ended == Backup.Status.SUCCEEDED ? "Restored" : "Restore failed: " + why);
        log.close();
        transactions.write(system, () -> rows.moveRestore(system.teamId(), id, Backup.Status.RUNNING, ended, why));
        logs.endIfIdle(system, id);
    }

    /** Records how the backup ended, its log's last line first: a follower that finds it ended finds every line stored. */
    private void finish(Viewer system, BackupLogs.Run log, UUID id, Backup.Status status, @Nullable Long size, @Nullable String sha256,
                        @Nullable String detail) {
        finish(system, log, id, status, size, sha256, detail, false);
    }

    /** The same, queueing its verification in the same transaction when {@code verify}. */
    private void finish(Viewer system, BackupLogs.Run log, UUID id, Backup.Status status, @Nullable Long size, @Nullable String sha256,
                        @Nullable String detail, boolean verify) {
        log.step(status == Backup.Status.SUCCEEDED ? "Backup succeeded" : "Backup failed: " + detail);
        log.close();
        transactions.write(system, () -> rows.finish(system.teamId(), id, status, size, sha256, detail, verify, jobs));
    }

    private static String lastLine(String output) {
        return Reasons.lastLine(output, 300);
    }

    /** Counts and hashes what passes to the upload, with a line in the log every {@link #PROGRESS_BYTES}. */
    static final class Counted extends FilterOutputStream {
        static final long PROGRESS_BYTES = 64L << 20;
        private final MessageDigest digest;
        private final BackupLogs.Run log;
        private String sha256;
        long size;

        Counted(OutputStream out, BackupLogs.Run log) {
            super(out);
            this.log = log;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            digest.update(bytes, offset, length);
            if ((size + length) / PROGRESS_BYTES > size / PROGRESS_BYTES) log.step("Streamed " + ((size + length) >> 20) + " MiB");
            size += length;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void close() {
            // the upload is completed by the job, not by whoever closes this
        }

        /** The hash of everything written (once asked, nothing more may be written). */
        String sha256() {
            if (sha256 == null) sha256 = HexFormat.of().formatHex(digest.digest());
            return sha256;
        }
    }
}
