package dev.berth.backup;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.berth.api.Viewer;
import dev.berth.database.DatabaseService;
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
 * restore copies the object into the container (streamed) and runs the engine's restore reading it.
 */
@Factory
class BackupJob {
    static final String BACKUP = "database-backup";
    static final String RESTORE = "database-restore";
    private static final Logger LOG = LoggerFactory.getLogger(BackupJob.class);
    /** How long a dump or a restore may run. */
    static final Duration WITHIN = Duration.ofHours(6);

    private final BackupRows rows;
    private final BackupService backups;
    private final DatabaseService databases;
    private final ServerCommands commands;
    private final TeamTransactions transactions;

    BackupJob(BackupRows rows, BackupService backups, DatabaseService databases, ServerCommands commands, TeamTransactions transactions) {
        this.rows = rows;
        this.backups = backups;
        this.databases = databases;
        this.commands = commands;
        this.transactions = transactions;
    }

    /** Whether Berth restores this engine's backups (the Redis family needs its server stopped around the file). */
    static boolean restores(EngineKind engine) {
        return switch (engine) {
            case POSTGRESQL, MYSQL, MARIADB, MONGODB, CLICKHOUSE -> true;
            case REDIS, KEYDB, DRAGONFLY -> false;
        };
    }

    @Bean
    Job backupTask() {
        return () -> Tasks.custom(BACKUP, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), BACKUP);
            backup(system, JobQueue.subject(instance.getId()));
            return new CompletionHandler.OnCompleteRemove<>();
        });
    }

    @Bean
    Job restoreTask() {
        return () -> Tasks.custom(RESTORE, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), RESTORE);
            restore(system, JobQueue.subject(instance.getId()));
            return new CompletionHandler.OnCompleteRemove<>();
        });
    }

    void backup(Viewer system, UUID id) {
        var backup = transactions.read(system, () -> rows.backup(system.teamId(), id)).orElse(null);
        if (backup == null) return;
        if (!transactions.write(system, () -> rows.move(system.teamId(), id, Backup.Status.QUEUED, Backup.Status.RUNNING))) {
            if (backup.status() == Backup.Status.RUNNING) finish(system, id, Backup.Status.FAILED, null, null, "interrupted: the node running it stopped");
            return;
        }
        S3Store.Upload upload = null;
        try (var store = backups.store(transactions.read(system, () -> rows.destination(system.teamId(), backup.destinationId()))
                .orElseThrow(() -> new IllegalStateException("its destination was deleted")))) {
            var inside = databases.inside(system, backup.databaseId(), commands);
            var dump = inside.database().engineSpec().dump(inside.credentials());
            upload = store.upload(backup.objectKey());
            var counted = new Counted(upload);
            var result = inside.containers().execTo(inside.containerId(), dump.argv(), dump.env(), counted, WITHIN, 16 * 1024);
            if (result.exitCode() != 0) {
                upload.abort();
                finish(system, id, Backup.Status.FAILED, null, null, result.exitCode() == -1 ? "the dump did not end within " + WITHIN.toHours() + " h"
                        : "the dump exited " + result.exitCode() + lastLine(result.stderr()));
                return;
            }
            if (counted.size == 0) {
                upload.abort();
                finish(system, id, Backup.Status.FAILED, 0L, null, "the dump was empty");
                return;
            }
            upload.close();
            long stored = store.size(backup.objectKey());
            if (stored != counted.size) {
                finish(system, id, Backup.Status.FAILED, stored, null, "the stored object has " + stored + " bytes of " + counted.size);
                return;
            }
            finish(system, id, Backup.Status.SUCCEEDED, counted.size, counted.sha256(), null);
            LOG.info("event=backup-succeeded backup={} bytes={}", id, counted.size);
        } catch (Containers.Stopped stopped) {
            if (upload != null) upload.abort();
            finish(system, id, Backup.Status.FAILED, null, null, "interrupted: the node running it stopped");
        } catch (IOException | RuntimeException e) {
            if (upload != null) upload.abort();
            LOG.warn("event=backup-failed backup={} reason={}", id, Reasons.plain(e));
            finish(system, id, Backup.Status.FAILED, null, null, Reasons.plain(e));
        }
    }

    void restore(Viewer system, UUID id) {
        var backup = transactions.read(system, () -> rows.backup(system.teamId(), id)).orElse(null);
        if (backup == null || backup.restoreStatus() != Backup.Status.QUEUED) return;
        transactions.write(system, () -> {
            rows.restore(system.teamId(), id, Backup.Status.RUNNING, null);
            return null;
        });
        var file = "berth-restore-" + id;
        try (var store = backups.store(transactions.read(system, () -> rows.destination(system.teamId(), backup.destinationId()))
                .orElseThrow(() -> new IllegalStateException("its destination was deleted")))) {
            var inside = databases.inside(system, backup.databaseId(), commands);
            long size = store.size(backup.objectKey());
            try (var content = store.download(backup.objectKey())) {
                inside.containers().copyInto(inside.containerId(), "/tmp", file, size, content);
            }
            var restore = inside.database().engineSpec().restore(inside.credentials());
            // the engine's restore reads the file on its stdin; the script is constant, the file and argv are arguments
            var argv = new java.util.ArrayList<>(List.of("sh", "-c", "f=$1; shift; \"$@\" < \"$f\"; s=$?; rm -f \"$f\"; exit $s", "berth-restore", "/tmp/" + file));
            argv.addAll(restore.argv());
            var result = inside.containers().exec(inside.containerId(), argv, restore.env(), WITHIN, 16 * 1024);
            var status = result.succeeded() ? Backup.Status.SUCCEEDED : Backup.Status.FAILED;
            var detail = result.succeeded() ? null : "the restore exited " + result.exitCode() + lastLine(result.stderr());
            transactions.write(system, () -> {
                rows.restore(system.teamId(), id, status, detail);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=restore-failed backup={} reason={}", id, Reasons.plain(e));
            transactions.write(system, () -> {
                rows.restore(system.teamId(), id, Backup.Status.FAILED, Reasons.plain(e));
                return null;
            });
        }
    }

    private void finish(Viewer system, UUID id, Backup.Status status, @Nullable Long size, @Nullable String sha256, @Nullable String detail) {
        transactions.write(system, () -> {
            rows.finish(system.teamId(), id, status, size, sha256, detail);
            return null;
        });
    }

    private static String lastLine(String output) {
        var lines = output.strip().lines().toList();
        if (lines.isEmpty()) return "";
        var line = lines.getLast();
        return ": " + (line.length() > 300 ? line.substring(0, 300) : line);
    }

    /** Counts and hashes what passes to the upload. */
    private static final class Counted extends FilterOutputStream {
        private final MessageDigest digest;
        long size;

        Counted(OutputStream out) {
            super(out);
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

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
