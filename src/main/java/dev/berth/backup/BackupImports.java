package dev.berth.backup;

import dev.berth.api.Viewer;
import dev.berth.database.DatabaseService;
import dev.berth.database.EngineKind;
import dev.berth.errors.InvalidInputException;
import dev.berth.execution.Reasons;
import dev.berth.jobs.JobQueue;
import dev.berth.storage.Ids;
import dev.berth.storage.InTeam;
import dev.berth.storage.TeamTransactions;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Imported backups: a dump the client uploads (Dokploy's users' ask: restore from a file). importBackup records a
 * backup waiting for its upload, with a one-time token (only its SHA-256 is kept) and the size announced; the upload
 * ({@link BackupUploadRoute}) streams into the destination like a dump does, counted and hashed, and the backup
 * SUCCEEDS only with exactly the bytes announced, stored whole. It is then verified and restored like any other. An
 * upload that never comes expires on the job engine.
 */
@Singleton
public class BackupImports {
    private final BackupRows rows;
    private final BackupService backups;
    private final DatabaseService databases;
    private final JobQueue jobs;
    private final BackupLogs logs;
    private final TeamTransactions transactions;
    private final BackupProperties properties;
    private final SecureRandom random = new SecureRandom();

    BackupImports(BackupRows rows, BackupService backups, DatabaseService databases, JobQueue jobs, BackupLogs logs, TeamTransactions transactions,
                  BackupProperties properties) {
        this.rows = rows;
        this.backups = backups;
        this.databases = databases;
        this.jobs = jobs;
        this.logs = logs;
        this.transactions = transactions;
        this.properties = properties;
    }

    /** What importBackup answers: the backup waiting, where to upload it, and the one-time token (shown once). */
    public record Started(Backup backup, String uploadPath, String uploadToken) {}

    /** Imports of a team that may wait for their upload at once. */
    static final int WAITING_PER_TEAM = 10;
    /** Uploads a node streams at once (each holds a part's buffer or an SSH channel); more are answered 503. */
    static final int UPLOADS_PER_NODE = 4;
    /** An upload that has not moved for this long is taken for dead (its node stopped) by its expiry. */
    static final java.time.Duration STALLED = java.time.Duration.ofMinutes(5);
    private final java.util.concurrent.Semaphore uploads = new java.util.concurrent.Semaphore(UPLOADS_PER_NODE);

    @InTeam
    public Started create(Viewer viewer, UUID databaseId, UUID destinationId, long size, boolean verify) {
        if (size < 1 || size > properties.maxImportBytes()) throw new InvalidInputException("input.sizeBytes", "1 to " + properties.maxImportBytes() + " bytes");
        if (rows.waitingImports(viewer.teamId()) >= WAITING_PER_TEAM) {
            throw new dev.berth.errors.ConflictException("The team has " + WAITING_PER_TEAM + " imports waiting for their upload already.");
        }
        var database = databases.get(viewer, databaseId);
        var destination = backups.destination(viewer, destinationId);
        if (verify && !BackupJob.restores(database.engine())) throw new InvalidInputException("input.verify", "verifying " + database.engine() + " backups is not there yet");
        var id = Ids.next();
        var key = destination.key("berth/" + database.id() + "/" + BackupService.STAMP.format(Instant.now()) + "-" + id + "-imported."
                + BackupService.extension(database.engine()));
        var backup = new Backup(id, viewer.teamId(), database.id(), destination.id(), database.engine(), Backup.Status.QUEUED, key,
                null, null, null, null, null, Instant.now(), null, null, null, null, null, verify, true);
        var bytes = new byte[32];
        random.nextBytes(bytes);
        var token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        rows.insertImport(backup, sha256(token), size);
        // the expiry: an upload not begun by then fails the backup (see expire)
        jobs.enqueue(BackupJob.BACKUP, JobQueue.instance(viewer.teamId(), id), Instant.now().plus(properties.uploadWithin()));
        return new Started(backup, "/teams/" + viewer.teamId() + "/backups/" + id + "/content", token);
    }

    /** Why an upload was refused, as an HTTP status and a code like the API's. */
    static final class Refused extends Exception {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /**
     * Takes the upload of {@code backupId}: the token must be the one importBackup gave, the body exactly the size it
     * announced, and the import still waiting (a token works once).
     */
    Upload open(UUID teamId, UUID backupId, String token, long contentLength) throws Refused {
        var system = Viewer.system(teamId, "backup-import");
        var waiting = transactions.read(system, () -> rows.waiting(teamId, backupId))
                .orElseThrow(() -> new Refused(404, "NOT_FOUND", "No import waits for its upload here (done, expired, or never asked for)."));
        if (!MessageDigest.isEqual(sha256(token).getBytes(StandardCharsets.US_ASCII), waiting.tokenHash().getBytes(StandardCharsets.US_ASCII))) {
            throw new Refused(403, "FORBIDDEN", "The upload token is not this import's.");
        }
        if (contentLength != waiting.size()) {
            throw new Refused(400, "BAD_USER_INPUT", "The body must be the " + waiting.size() + " bytes importBackup announced, not " + contentLength + ".");
        }
        if (!uploads.tryAcquire()) throw new Refused(503, "BUSY", "This Berth node streams " + UPLOADS_PER_NODE + " uploads already; try again shortly.");
        boolean taken = false;
        try {
            taken = transactions.write(system, () -> rows.takeUpload(teamId, backupId));
        } finally {
            if (!taken) uploads.release();
        }
        if (!taken) throw new Refused(409, "CONFLICT", "The upload was taken already.");
        var backup = transactions.read(system, () -> rows.backup(teamId, backupId)).orElseThrow();
        var log = logs.open(system, backupId);
        log.step("Importing " + contentLength + " bytes uploaded by the client to " + backup.objectKey());
        BackupStore store = null;
        try {
            var destination = transactions.read(system, () -> rows.destination(teamId, backup.destinationId()))
                    .orElseThrow(() -> new IllegalStateException("its destination was deleted"));
            store = backups.store(system, destination);
            return new Upload(system, backup, store, store.upload(backup.objectKey()), contentLength, log);
        } catch (IOException | RuntimeException e) {
            if (store != null) store.close();
            uploads.release();
            var upload = new Upload(system, backup, null, null, contentLength, log);
            upload.fail(Reasons.plain(e));
            throw new Refused(502, "UPSTREAM", "The destination did not take the upload: " + Reasons.plain(e));
        }
    }

    /**
     * When an import's expiry job runs: a backup still waiting FAILS; one whose upload is under way is checked again
     * when its time is up (its node may have died meanwhile). Answers when to look again, or null when done.
     */
    @Nullable
    Instant expire(Viewer system, Backup backup) {
        // taken from QUEUED by the expiry itself (then no upload can take it), or looked at again as it is now
        if (transactions.write(system, () -> rows.move(system.teamId(), backup.id(), Backup.Status.QUEUED, Backup.Status.RUNNING))) {
            end(system, backup.id(), "no upload arrived within " + properties.uploadWithin().toMinutes() + " min of importBackup");
            return null;
        }
        var seen = transactions.read(system, () -> rows.uploadSeenAt(system.teamId(), backup.id())).orElse(null);
        if (seen == null) return null; // ended
        var stalled = seen.plus(STALLED);
        if (Instant.now().isBefore(stalled)) return stalled.plusSeconds(1);
        end(system, backup.id(), "interrupted: the upload stopped moving for " + STALLED.toMinutes() + " min (its node stopped?)");
        return null;
    }

    private void end(Viewer system, UUID id, String why) {
        try (var log = logs.open(system, id)) {
            log.step("Backup failed: " + why);
        }
        transactions.write(system, () -> rows.finish(system.teamId(), id, Backup.Status.FAILED, null, null, why));
        logs.endIfIdle(system, id);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An upload under way: written by the route's workers one piece at a time, ended once by {@link #finish} or
     * {@link #fail} (which may come from another thread, a client leaving: the methods hold the upload's lock).
     */
    final class Upload {
        private final Viewer system;
        private final Backup backup;
        private final @Nullable BackupStore store;
        private final BackupStore.@Nullable Upload out;
        private final long size;
        private final BackupLogs.Run log;
        private final MessageDigest digest;
        private final byte[] head = new byte[5];
        private long written;
        private boolean ended;
        private long touched = System.nanoTime();

        Upload(Viewer system, Backup backup, @Nullable BackupStore store, BackupStore.@Nullable Upload out, long size, BackupLogs.Run log) {
            this.system = system;
            this.backup = backup;
            this.store = store;
            this.out = out;
            this.size = size;
            this.log = log;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        UUID backupId() {
            return backup.id();
        }

        synchronized long written() {
            return written;
        }

        /** Writes a piece of the body; more than announced is refused (and fails the import). */
        synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            if (ended) throw new IOException("the upload ended");
            if (written + length > size) throw new IOException("the body is longer than the " + size + " bytes announced");
            for (int i = 0; i < length && written + i < head.length; i++) head[(int) written + i] = bytes[offset + i];
            out.write(bytes, offset, length);
            digest.update(bytes, offset, length);
            if ((written + length) / BackupJob.Counted.PROGRESS_BYTES > written / BackupJob.Counted.PROGRESS_BYTES) log.step("Received " + ((written + length) >> 20) + " MiB");
            written += length;
            if (System.nanoTime() - touched > java.util.concurrent.TimeUnit.SECONDS.toNanos(30)) { // alive, for its expiry
                touched = System.nanoTime();
                transactions.write(system, () -> {
                    rows.uploadSeen(system.teamId(), backup.id());
                    return null;
                });
            }
        }

        /** The body ended: SUCCEEDED with every byte announced stored whole, else FAILED. Answers the backup as it ended. */
        synchronized Backup finish() {
            if (ended) return transactions.read(system, () -> rows.backup(system.teamId(), backup.id())).orElseThrow();
            try {
                if (written != size) throw new IOException("the body ended after " + written + " of the " + size + " bytes announced");
                if (backup.engine() == EngineKind.POSTGRESQL && !new String(head, StandardCharsets.US_ASCII).equals("PGDMP")) {
                    throw new IOException("not a pg_dump custom-format file (pg_dump -Fc): it does not begin with PGDMP");
                }
                out.close();
                long stored = store.size(backup.objectKey());
                if (stored != written) {
                    store.delete(backup.objectKey());
                    throw new IOException("the stored object has " + stored + " bytes of " + written);
                }
                var sha = HexFormat.of().formatHex(digest.digest());
                ended = true;
                uploads.release();
                log.step("Stored " + written + " bytes, SHA-256 " + sha);
                log.step("Backup succeeded");
                log.close();
                boolean recorded = transactions.write(system, () -> rows.finish(system.teamId(), backup.id(), Backup.Status.SUCCEEDED, written, sha, null,
                        backup.verifyRequested(), jobs));
                if (!recorded) store.delete(backup.objectKey()); // its expiry ended it meanwhile (FAILED): nothing stays stored
                store.close();
                jobs.dequeue(BackupJob.BACKUP, JobQueue.instance(system.teamId(), backup.id()));
                logs.endIfIdle(system, backup.id());
            } catch (IOException | RuntimeException e) {
                fail(Reasons.plain(e));
            }
            return transactions.read(system, () -> rows.backup(system.teamId(), backup.id())).orElseThrow();
        }

        /** Drops what was uploaded; the backup FAILED with {@code why}. */
        synchronized void fail(String why) {
            if (ended) return;
            ended = true;
            if (out != null) uploads.release(); // an upload that began holds one
            if (out != null) out.abort();
            if (store != null) store.close();
            log.step("Backup failed: " + why);
            log.close();
            transactions.write(system, () -> {
                rows.finish(system.teamId(), backup.id(), Backup.Status.FAILED, null, null, why);
                return null;
            });
            try {
                jobs.dequeue(BackupJob.BACKUP, JobQueue.instance(system.teamId(), backup.id()));
            } catch (RuntimeException ignored) {
                // its expiry finds it ended
            }
            logs.endIfIdle(system, backup.id());
        }
    }
}
