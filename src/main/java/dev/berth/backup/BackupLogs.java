package dev.berth.backup;

import dev.berth.api.Viewer;
import dev.berth.deployment.DeploymentLogs;
import dev.berth.deployment.LogBatch;
import dev.berth.deployment.LogLine;
import dev.berth.deployment.LogMask;
import dev.berth.deployment.LogWriter;
import dev.berth.events.EventBus;
import dev.berth.storage.TeamTransactions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;

/**
 * A backup's log: the lines of its runs (the backup, its verifications and restores, one after another) through the
 * deployment log machinery: numbered without gaps, masked, stored, published, resumable with {@code afterSeq}. A
 * follower's stream ends when the backup has nothing queued or running any more.
 */
@Singleton
class BackupLogs {
    /** Lines kept per backup (Berth's own steps: a run writes a few dozen). */
    static final long MAX_LINES = 10_000;

    private final BackupRows rows;
    private final TeamTransactions transactions;
    private final EventBus bus;
    private final DeploymentLogs follower;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-backup-log").factory());

    BackupLogs(BackupRows rows, TeamTransactions transactions, EventBus bus, DeploymentLogs follower) {
        this.rows = rows;
        this.transactions = transactions;
        this.bus = bus;
        this.follower = follower;
    }

    /** Opens the log for one run of the backup, after the lines its earlier runs wrote. */
    Run open(Viewer system, UUID backupId) {
        long last = transactions.read(system, () -> rows.lastSeq(system.teamId(), backupId));
        var writer = new LogWriter(system, backupId, last, rows, transactions, bus, new LogMask(List.of()), MAX_LINES);
        var flushing = timer.scheduleAtFixedRate(writer::flush, LogWriter.FLUSH_MILLIS, LogWriter.FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        return new Run(writer, flushing);
    }

    /** Publishes the end of the backup's log when nothing of it is queued or running now (its runs closed their logs first). */
    void endIfIdle(Viewer system, UUID backupId) {
        var backup = transactions.read(system, () -> rows.backup(system.teamId(), backupId)).orElse(null);
        if (backup == null || !backup.idle()) return;
        long last = transactions.read(system, () -> rows.lastSeq(system.teamId(), backupId));
        try {
            bus.publish(rows.channel(system.teamId(), backupId), new LogBatch(backupId, List.of(), last));
        } catch (RuntimeException e) {
            // its followers end when they next resume (a finished backup's log is read from PostgreSQL alone)
        }
    }

    /** The backup's log from after {@code afterSeq}: stored lines, then live ones until nothing of it is queued or running (the caller checked access). */
    Flux<LogLine> follow(Viewer viewer, UUID backupId, long afterSeq) {
        return follower.follow(viewer, rows, backupId,
                () -> transactions.read(viewer, () -> rows.backup(viewer.teamId(), backupId)).map(Backup::idle).orElse(true), afterSeq);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** One run's writer; its lines are masked with the secrets it learns ({@link #hide}). Closing stores what is left. */
    static final class Run implements AutoCloseable {
        private final LogWriter writer;
        private final ScheduledFuture<?> flushing;
        private volatile LogMask mask = new LogMask(List.of());

        Run(LogWriter writer, ScheduledFuture<?> flushing) {
            this.writer = writer;
            this.flushing = flushing;
        }

        /** Masks these values (and their encodings) in every later line. */
        void hide(List<String> secrets) {
            mask = new LogMask(secrets);
        }

        void step(String text) {
            writer.step(mask.shown(text));
        }

        @Override
        public void close() {
            flushing.cancel(false);
            writer.close();
        }
    }
}
