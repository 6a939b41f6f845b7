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
 * inside it. What it saw is recorded as the status. A change made while it ran runs it again.
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

    @Override
    public Task<?> task() {
        return Tasks.custom(TASK, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), TASK);
            var id = JobQueue.subject(instance.getId());
            var seen = transactions.read(system, () -> rows.anyById(system.teamId(), id)).map(r -> r.database().updatedAt()).orElse(null);
            converge(system, id);
            var now = transactions.read(system, () -> rows.anyById(system.teamId(), id)).map(r -> r.database().updatedAt()).orElse(null);
            if (now != null && !now.equals(seen) && changedByUser(system, id)) {
                return (complete, operations) -> operations.reschedule(complete, Instant.now());
            }
            return new CompletionHandler.OnCompleteRemove<>();
        });
    }

    /** Whether what it should be doing changed since this run read it (a status this run wrote does not count). */
    private boolean changedByUser(Viewer system, UUID id) {
        return transactions.read(system, () -> rows.anyById(system.teamId(), id))
                .map(r -> r.deleted() || r.database().status() == Database.Status.STARTING || r.database().status() == Database.Status.STOPPING)
                .orElse(false);
    }

    private void converge(Viewer system, UUID id) {
        var found = transactions.read(system, () -> rows.anyById(system.teamId(), id));
        if (found.isEmpty()) return;
        var database = found.get().database();
        try {
            var containers = commands.containers(system, database.serverId());
            var existing = containers.list(Map.of(DatabaseContainers.LABEL, id.toString()));
            if (found.get().deleted()) {
                for (var container : existing) remove(containers, container.id());
                if (found.get().removeVolume()) containers.removeVolume(database.volume());
                transactions.write(system, () -> {
                    rows.delete(system.teamId(), id);
                    return null;
                });
                LOG.info("event=database-removed database={} volumeRemoved={}", id, found.get().removeVolume());
                return;
            }
            if (database.desired() == Database.Desired.STOPPED) {
                for (var container : existing) containers.stop(container.id(), Duration.ofSeconds(DatabaseContainers.STOP_GRACE_SECONDS));
                record(system, database, Database.Status.STOPPED, null);
                return;
            }
            run(system, database, containers, existing);
        } catch (Containers.Stopped stopped) {
            throw stopped;
        } catch (RuntimeException e) {
            LOG.warn("event=database-failed database={} reason={}", id, Reasons.plain(e));
            record(system, database, Database.Status.FAILED, Reasons.plain(e));
        }
    }

    private void run(Viewer system, Database database, Containers containers, java.util.List<Containers.Container> existing) {
        var server = servers.server(system, database.serverId());
        var password = box.open(database.passwordSealed(), database.sealContext());
        var spec = DatabaseContainers.spec(database, password, servers.network(server, null));
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
        } else if (database.status() == Database.Status.STARTING && containers.running(current)) {
            containers.stop(current, Duration.ofSeconds(DatabaseContainers.STOP_GRACE_SECONDS)); // a restart
            containers.start(current);
        } else if (!containers.running(current)) {
            containers.start(current);
        }
        var probe = database.engineSpec().probe(DatabaseContainers.credentials(database, password, "host".equals(spec.network())));
        var deadline = Instant.now().plus(READY_WITHIN);
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!containers.running(current)) {
                record(system, database, Database.Status.FAILED, "its container stopped while starting (restarted " + containers.restarts(current) + " times)");
                return;
            }
            var answer = containers.exec(current, probe.argv(), probe.env(), PROBE_TIMEOUT, 4096);
            if (answer.succeeded()) {
                record(system, database, Database.Status.RUNNING, null);
                return;
            }
            last = answer.exitCode() == -1 ? "the probe did not answer within " + PROBE_TIMEOUT.toSeconds() + " s"
                    : "the probe exited " + answer.exitCode() + lastLine(answer.stderr().isBlank() ? answer.stdout() : answer.stderr());
            sleep(Duration.ofMillis(500));
        }
        record(system, database, Database.Status.FAILED, "not ready within " + READY_WITHIN.toSeconds() + " s: " + last);
    }

    private static String lastLine(String output) {
        var lines = output.strip().lines().toList();
        if (lines.isEmpty()) return "";
        var line = lines.getLast();
        return ": " + (line.length() > 200 ? line.substring(0, 200) : line);
    }

    private static void remove(Containers containers, String id) {
        containers.stop(id, Duration.ofSeconds(DatabaseContainers.STOP_GRACE_SECONDS));
        containers.remove(id);
    }

    private void record(Viewer system, Database database, Database.Status status, @Nullable String detail) {
        transactions.write(system, () -> {
            var now = rows.byId(system.teamId(), database.id());
            // a change made meanwhile (a stop while starting) is left for the next run, which it queued or will
            if (now.isEmpty() || now.get().status() != database.status() || now.get().desired() != database.desired()) return null;
            rows.status(system.teamId(), database.id(), status, detail);
            changes.publishEvent(new DatabaseChanged(DatabaseChanged.Kind.UPDATED, database.teamId(), database.projectId(), database.id(), status, Instant.now()));
            return null;
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
