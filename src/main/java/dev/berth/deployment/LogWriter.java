package dev.berth.deployment;

import dev.berth.api.Viewer;
import dev.berth.events.EventBus;
import dev.berth.execution.Containers;
import dev.berth.storage.TeamTransactions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Numbers, masks, caps and stores one log's lines (a deployment's, a backup's: its {@link LogStore}) in batches (at most every {@code FLUSH_MILLIS} or
 * {@code BATCH} lines), and publishes each batch after it is stored. Thread-safe: build output and Berth's own
 * messages may come from different threads.
 */
public final class LogWriter implements DeploymentLog, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LogWriter.class);
    static final int BATCH = 500;
    public static final long FLUSH_MILLIS = 20;

    private final Viewer system;
    private final UUID deploymentId;
    private final LogStore rows;
    private final TeamTransactions transactions;
    private final EventBus bus;
    private final LogMask mask;
    private final long maxLines;
    private final List<LogLine> pending = new ArrayList<>();
    /** Held while a batch is taken and stored (never inside {@code this}'s lock, which is held only briefly). */
    private final Object storing = new Object();
    private long seq;
    private long dropped;
    private long lastFlush = System.currentTimeMillis();
    private volatile long retryAfter;
    private boolean closed;

    public LogWriter(Viewer system, UUID deploymentId, long lastSeq, LogStore rows, TeamTransactions transactions,
                     EventBus bus, LogMask mask, long maxLines) {
        this.system = system;
        this.deploymentId = deploymentId;
        this.seq = lastSeq;
        this.rows = rows;
        this.transactions = transactions;
        this.bus = bus;
        this.mask = mask;
        this.maxLines = maxLines;
    }

    /** Berth's own message. */
    public void step(String text) {
        add("BERTH", text);
    }

    @Override
    public void line(String stream, String text) {
        add("stderr".equalsIgnoreCase(stream) ? "STDERR" : "STDOUT", text);
    }

    /** Lines of Berth's own kept beyond the limit: how a deployment ended is never among the lines dropped. */
    static final int BERTH_RESERVE = 100;

    private void add(String stream, String raw) {
        boolean due;
        synchronized (this) {
            if (seq >= maxLines && (!"BERTH".equals(stream) || seq >= maxLines + BERTH_RESERVE)) {
                dropped++;
                return;
            }
            pending.add(new LogLine(++seq, Instant.now(), stream, clean(raw)));
            due = pending.size() >= BATCH || System.currentTimeMillis() - lastFlush >= FLUSH_MILLIS;
        }
        if (due) flush();
    }

    /**
     * Stores what is pending now (called by a timer too, so a quiet build's last lines do not wait). Batches are taken
     * and stored one at a time, in seq order: two threads storing at once could publish and commit lines 82 before 81,
     * and a follower filling its gap from PostgreSQL would then skip 81 for good. Lines keep arriving meanwhile.
     */
    public void flush() {
        flush(false);
    }

    /** After a failed store, flushes wait this long (unless closing): an outage must not stall every line's writer. */
    static final long RETRY_MILLIS = 1_000;

    private void flush(boolean closing) {
        if (!closing && System.currentTimeMillis() < retryAfter) return;
        synchronized (storing) {
            List<LogLine> batch;
            synchronized (this) {
                batch = take();
            }
            if (batch.isEmpty()) return;
            try {
                store(batch);
            } catch (RuntimeException e) {
                // not stored (PostgreSQL away, the storing thread interrupted): the batch goes back in front, in seq
                // order, and the next flush stores it; the flusher itself goes on (a timer task that threw would not)
                synchronized (this) {
                    pending.addAll(0, batch);
                }
                retryAfter = System.currentTimeMillis() + RETRY_MILLIS;
                LOG.warn("event=log-store-failed deployment={} lines={} error={}", deploymentId, batch.size(), e.getClass().getSimpleName());
            }
        }
    }

    private List<LogLine> take() {
        var batch = List.copyOf(pending);
        pending.clear();
        lastFlush = System.currentTimeMillis();
        return batch;
    }

    private void store(List<LogLine> batch) {
        transactions.write(system, () -> {
            rows.append(system.teamId(), deploymentId, batch);
            return null;
        });
        try {
            bus.publish(rows.channel(system.teamId(), deploymentId), new LogBatch(deploymentId, batch, null));
        } catch (RuntimeException e) {
            // stored: followers find the lines in PostgreSQL when the next batch shows them a gap
            LOG.debug("event=log-publish-failed deployment={} error={}", deploymentId, e.getClass().getSimpleName());
        }
    }

    synchronized long lastSeq() {
        return seq;
    }

    /**
     * Stores what is left. A batch that cannot be stored now is tried again a few times (a store interrupted while the
     * run was stopping, PostgreSQL briefly away), so no seq goes missing for want of one retry.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return; // once: a second close must not add lines after the log's end
            closed = true;
        }
        if (dropped > 0) {
            synchronized (this) {
                pending.add(new LogLine(++seq, Instant.now(), "BERTH", dropped + " more lines were not kept (at most " + maxLines + " per log)"));
            }
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            flush(true);
            synchronized (this) {
                if (pending.isEmpty()) return;
            }
            try {
                Thread.sleep(200L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Masked, NUL-free (PostgreSQL text cannot hold it), capped. */
    private String clean(String raw) {
        var text = raw.indexOf('\0') >= 0 ? raw.replace('\0', '\uFFFD') : raw;
        if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
        return mask.shown(text);
    }
}
