package dev.berth.deployment;

import dev.berth.api.Viewer;
import dev.berth.events.EventBus;
import dev.berth.events.EventsProperties;
import dev.berth.events.Held;
import dev.berth.events.SubscriberTooSlowException;
import dev.berth.events.RedisKeys;
import dev.berth.storage.TeamTransactions;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Follows a log (a deployment's, a backup's): subscribes to its channel first, then replays stored lines after {@code afterSeq} from
 * PostgreSQL, then continues live, dropping what was already delivered and filling any gap from PostgreSQL, so every
 * seq arrives exactly once and in order, whichever node writes. Ends after the last line (a batch with {@code endSeq}).
 */
@Singleton
public class DeploymentLogs {
    static final int PAGE = 1000;

    private final EventBus bus;
    private final DeploymentRows rows;
    private final TeamTransactions transactions;
    private final EventsProperties events;

    DeploymentLogs(EventBus bus, DeploymentRows rows, TeamTransactions transactions, EventsProperties events) {
        this.events = events;
        this.bus = bus;
        this.rows = rows;
        this.transactions = transactions;
    }

    static String channel(UUID teamId, UUID deploymentId) {
        return RedisKeys.tenant(teamId, "deployment-logs", deploymentId);
    }

    /** The caller checked the viewer may see the deployment. */
    Flux<LogLine> follow(Viewer viewer, Deployment deployment, long afterSeq) {
        return follow(viewer, rows, deployment.id(),
                () -> transactions.read(viewer, () -> rows.byId(viewer.teamId(), deployment.id()).orElseThrow().status().terminal()), afterSeq);
    }

    /**
     * Follows the log of {@code subjectId} in {@code store} (the caller checked the viewer may see it). {@code finished}
     * says whether every line is stored already, the end published: it is asked once subscribed to the channel and
     * before the stored lines are read, so an end published meanwhile is either seen as finished or received live.
     */
    public Flux<LogLine> follow(Viewer viewer, LogStore store, UUID subjectId, java.util.function.BooleanSupplier finished, long afterSeq) {
        return Flux.defer(() -> {
            // subscribed now: while the stored lines replay, live batches are held (bounded in count and bytes; past
            // that the follower ends and resumes with afterSeq), and nothing is kept once delivered
            var held = Held.from(bus.subscribe(store.channel(viewer.teamId(), subjectId), LogBatch.class),
                    events.subscriberBuffer(), events.subscriberBufferBytes(), LogBatch::bytes,
                    () -> new SubscriberTooSlowException("log " + subjectId));
            var live = held.flux();
            var connection = held.connection();
            var delivered = new AtomicLong(afterSeq);
            boolean done = finished.getAsBoolean();
            var past = stored(viewer, store, subjectId, delivered);
            if (done) {
                connection.dispose();
                return past;
            }
            // lines in order are handed on from the broker's thread (a hop per batch doubled the fan-out's p99); a gap
            // fill reads PostgreSQL off it
            var following = live.concatMap(batch -> {
                var fresh = Flux.fromIterable(batch.lines()).concatMap(line -> {
                    if (line.seq() <= delivered.get()) return Flux.empty();
                    if (line.seq() == delivered.get() + 1) {
                        delivered.set(line.seq());
                        return Flux.just(line);
                    }
                    return gapFill(viewer, store, subjectId, delivered); // a gap: whatever was missed is stored
                });
                if (batch.endSeq() == null) return fresh;
                return fresh.concatWith(Flux.defer(() -> delivered.get() < batch.endSeq() ? gapFill(viewer, store, subjectId, delivered) : Flux.empty()))
                        .concatWith(Flux.error(new EndOfLog()));
            }).onErrorResume(EndOfLog.class, end -> Flux.empty());
            return past.concatWith(following).doFinally(signal -> connection.dispose());
        });
    }

    /** {@link #stored}, read off the calling (broker's) thread. */
    private Flux<LogLine> gapFill(Viewer viewer, LogStore store, UUID subjectId, AtomicLong delivered) {
        return stored(viewer, store, subjectId, delivered).subscribeOn(Schedulers.boundedElastic());
    }

    /** Stored lines after what was delivered, page by page, advancing {@code delivered}. */
    private Flux<LogLine> stored(Viewer viewer, LogStore store, UUID subjectId, AtomicLong delivered) {
        return Flux.defer(() -> {
            List<LogLine> page = transactions.read(viewer, () -> store.after(viewer.teamId(), subjectId, delivered.get(), PAGE));
            if (page.isEmpty()) return Flux.empty();
            delivered.set(page.getLast().seq());
            var rest = page.size() < PAGE ? Flux.<LogLine>empty() : stored(viewer, store, subjectId, delivered);
            return Flux.fromIterable(page).concatWith(rest);
        });
    }

    /** Marks the end of a log stream inside the operator chain. */
    private static final class EndOfLog extends RuntimeException {
        EndOfLog() {
            super(null, null, false, false);
        }
    }
}
