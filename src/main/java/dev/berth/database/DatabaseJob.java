package dev.berth.database;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.berth.api.Viewer;
import dev.berth.execution.Containers;
import dev.berth.execution.Reasons;
import dev.berth.jobs.Job;
import dev.berth.jobs.JobQueue;
import dev.berth.secrets.SecretBox;
import dev.berth.server.ServerCommands;
import dev.berth.server.ServerService;
import dev.berth.storage.TeamTransactions;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a database's container what its row says (the one job per database, on the job engine): removed when the
 * database is deleted (its volume too when asked), stopped when it should be, else running the current spec (a
 * container made from another spec is replaced; its data stays in the volume) and answering its engine's probe run
 * inside it. What it saw is recorded as the status, only while no newer change came (each change increments the
 * database's generation); a newer change runs it again, and {@link DatabaseSweep} re-queues one whose queueing was
 * swallowed by a run still finishing. A removal that fails is tried again; a node that stops hands the job over.
 */
@Singleton
final class DatabaseJob implements Job {
    static final String TASK = "database-converge";
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseJob.class);
    /** How long a started engine may take to answer its probe (a first start initialises its data). */
    static final Duration READY_WITHIN = Duration.ofSeconds(180);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final DatabaseRows rows;
    private final ServerService servers;
    private final ServerCommands commands;
    private final SecretBox box;
    private final TeamTransactions transactions;
    private final ApplicationEventPublisher<DatabaseChanged> changes;

    DatabaseJob(DatabaseRows rows, ServerService servers, ServerCommands commands, SecretBox box, TeamTransactions transactions,
                ApplicationEventPublisher<DatabaseChanged> changes) {
        this.rows = rows;
        this.servers = servers;
        this.commands = commands;
        this.box = box;
        this.transactions = transactions;
        this.changes = changes;
    }

    /** How a pass ended: its generation was made so (or failed for good), a newer change came, or it must try again. */
    enum Outcome { DONE, AGAIN, RETRY }

    @Override
    public Task<?> task() {
        return Tasks.custom(TASK, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), TASK);
            Outcome outcome;
            try {
                outcome = converge(system, JobQueue.subject(instance.getId()));
            } catch (Containers.Stopped stopped) {
                outcome = Outcome.AGAIN; // this node stops: another takes it over at once
            }
            return switch (outcome) {
                case DONE -> new CompletionHandler.OnCompleteRemove<>();
                case AGAIN -> (complete, operations) -> operations.reschedule(complete, Instant.now());
                case RETRY -> (complete, operations) -> operations.reschedule(complete, Instant.now().plus(RETRY_AFTER));
            };
        });
    }

    /** A removal that failed (the server away) is tried again after this. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    /** One pass over the database as its row says now. */
    Outcome converge(Viewer system, UUID id) {
        var found = transactions.read(system, () -> rows.anyById(system.teamId(), id));
        if (found.isEmpty()) return Outcome.DONE;
        var database = found.get().database();
        long generation = found.get().generation();
        if (found.get().deleted()) {
            try {
                var containers = commands.containers(system, database.serverId());
                for (var container : containers.list(Map.of(DatabaseContainers.LABEL, id.toString()))) remove(containers, container.id());
                if (found.get().removeVolume()) containers.removeVolume(database.volume());
            } catch (Containers.Stopped stopped) {
                throw stopped;
            } catch (RuntimeException e) { // its container must go before its row: try again
                LOG.warn("event=database-removal-failed database={} reason={}", id, Reasons.plain(e));
                return Outcome.RETRY;
            }
            transactions.write(system, () -> {
                rows.delete(system.teamId(), id);
                return null;
            });
            LOG.info("event=database-removed database={} volumeRemoved={}", id, found.get().removeVolume());
            return Outcome.DONE;
        }
        try {
            var containers = commands.containers(system, database.serverId());
            var existing = containers.list(Map.of(DatabaseContainers.LABEL, id.toString()));
            if (database.desired() == Database.Desired.STOPPED) {
                for (var container : existing) containers.stop(container.id(), Duration.ofSeconds(DatabaseContainers.STOP_GRACE_SECONDS));
                return record(system, database, generation, Database.Status.STOPPED, null);
            }
            return run(system, database, generation, containers, existing);
        } catch (Containers.Stopped stopped) {
            throw stopped;
        } catch (RuntimeException e) {
            LOG.warn("event=database-failed database={} reason={}", id, Reasons.plain(e));
            return record(system, database, generation, Database.Status.FAILED, Reasons.plain(e));
        }
    }

    private Outcome run(Viewer system, Database database, long generation, Containers containers, java.util.List<Containers.Container> existing) {
        var server = servers.server(system, database.serverId());
        var password = box.open(database.passwordSealed(), database.sealContext());
        var spec = DatabaseContainers.spec(database, password, servers.network(server, null));
        boolean restart = transactions.write(system, () -> rows.takeRestart(system.teamId(), database.id()));
        String current = null;
        for (var container : existing) {
            if (spec.labels().get(DatabaseContainers.SPEC_LABEL).equals(container.labels().get(DatabaseContainers.SPEC_LABEL))) {
                current = container.id();
            } else {
                remove(containers, container.id()); // made from another spec: its data stays in the volume
            }
        }
        if (current == null) {
            if (!containers.imagePresent(spec.image())) {
                containers.pull(spec.image(), null, (stream, text) -> { }, () -> Thread.currentThread().isInterrupted());
            }
            current = containers.create(spec);
            containers.start(current);
        } else if (!containers.running(current)) {
            containers.start(current);
        } else if (restart) {
            containers.stop(current, Duration.ofSeconds(DatabaseContainers.STOP_GRACE_SECONDS));
            containers.start(current);
        }
        var probe = database.engineSpec().probe(DatabaseContainers.credentials(database, password, "host".equals(spec.network())));
        var deadline = Instant.now().plus(READY_WITHIN);
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!newest(system, database.id(), generation)) return Outcome.AGAIN; // changed meanwhile: the next pass acts on it
            if (!containers.running(current)) {
                return record(system, database, generation, Database.Status.FAILED,
                        "its container stopped while starting (restarted " + containers.restarts(current) + " times)");
            }
            var answer = containers.exec(current, probe.argv(), probe.env(), PROBE_TIMEOUT, 4096);
            if (answer.succeeded()) return record(system, database, generation, Database.Status.RUNNING, null);
            last = answer.exitCode() == -1 ? "the probe did not answer within " + PROBE_TIMEOUT.toSeconds() + " s"
                    : "the probe exited " + answer.exitCode() + lastLine(answer.stderr().isBlank() ? answer.stdout() : answer.stderr());
            sleep(Duration.ofMillis(500));
        }
        return record(system, database, generation, Database.Status.FAILED, "not ready within " + READY_WITHIN.toSeconds() + " s: " + last);
    }

    private boolean newest(Viewer system, UUID id, long generation) {
        return transactions.read(system, () -> rows.generation(system.teamId(), id)).map(g -> g == generation).orElse(false);
    }

    private static String lastLine(String output) {
        return Reasons.lastLine(output, 200);
    }

    private static void remove(Containers containers, String id) {
        containers.stop(id, Duration.ofSeconds(DatabaseContainers.STOP_GRACE_SECONDS));
        containers.remove(id);
    }

    /** Records what was seen as of {@code generation}; AGAIN (nothing recorded) when a newer change came meanwhile. */
    private Outcome record(Viewer system, Database database, long generation, Database.Status status, @Nullable String detail) {
        return transactions.write(system, () -> {
            if (!rows.observed(system.teamId(), database.id(), generation, status, detail)) return Outcome.AGAIN;
            changes.publishEvent(new DatabaseChanged(DatabaseChanged.Kind.UPDATED, database.teamId(), database.projectId(), database.id(), status, Instant.now()));
            return Outcome.DONE;
        });
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Containers.Stopped();
        }
    }
}
