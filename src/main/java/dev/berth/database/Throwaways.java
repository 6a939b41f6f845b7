package dev.berth.database;

import dev.berth.api.Viewer;
import dev.berth.execution.ContainerSpec;
import dev.berth.secrets.Secret;
import dev.berth.server.ServerCommands;
import dev.berth.server.ServerService;
import dev.berth.storage.TeamTransactions;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A throwaway copy of a database's engine on its server, empty, for verifying a backup: the same image and engine,
 * its own generated password and named volume ({@code berth-verify-<id>}), on a port of its own on the host network.
 * Closing it removes the container and the volume.
 */
@Singleton
public class Throwaways {
    static final String LABEL = "berth.verify";
    private static final Duration READY_WITHIN = Duration.ofSeconds(180);

    private final DatabaseRows rows;
    private final ServerService servers;
    private final ServerCommands commands;
    private final TeamTransactions transactions;
    private final SecureRandom random = new SecureRandom();

    Throwaways(DatabaseRows rows, ServerService servers, ServerCommands commands, TeamTransactions transactions) {
        this.rows = rows;
        this.servers = servers;
        this.commands = commands;
        this.transactions = transactions;
    }

    /** A running, empty copy; throws when it did not answer its probe in time (and removes what it made). */
    public Throwaway start(Viewer system, UUID databaseId, UUID id) {
        var database = transactions.read(system, () -> rows.byId(system.teamId(), databaseId))
                .orElseThrow(() -> new IllegalStateException("its database was deleted"));
        var engine = database.engineSpec();
        // no network at all: every step runs inside it through exec, and nothing else can answer on its port (a random
        // port on the host network could be another database's, which a restore would then replace)
        var network = "none";
        var password = new Secret(Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        var copy = database.with(database.name(), database.image(), null, database.cpuLimit(), database.memoryLimitMiB(),
                Database.Desired.RUNNING, Database.Status.STARTING, null);
        var spec = DatabaseContainers.spec(copy, password, network);
        var name = "berth-verify-" + id;
        var throwaway = new ContainerSpec(name, spec.image(), Map.of(LABEL, id.toString(), DatabaseContainers.TEAM_LABEL, database.teamId().toString()),
                spec.env(), spec.command(), List.of(), "NO", spec.cpuLimit(), spec.memoryLimitMiB(),
                List.of(new ContainerSpec.Mount(name, engine.dataPath())), network, spec.stopSignal(), 5);
        var containers = commands.containers(system, database.serverId());
        var credentials = DatabaseContainers.credentials(copy, password, false);
        var started = new Throwaway(new DatabaseService.Inside(database, containers, null, credentials), name);
        try {
            var containerId = containers.create(throwaway);
            started = new Throwaway(new DatabaseService.Inside(database, containers, containerId, credentials), name);
            containers.start(containerId);
            var probe = engine.probe(credentials);
            var deadline = Instant.now().plus(READY_WITHIN);
            while (true) {
                if (!containers.running(containerId)) throw new IllegalStateException("the throwaway container stopped while starting");
                if (containers.exec(containerId, probe.argv(), probe.env(), Duration.ofSeconds(10), 1024).succeeded()) return started;
                if (Instant.now().isAfter(deadline)) throw new IllegalStateException("the throwaway container was not ready within " + READY_WITHIN.toSeconds() + " s");
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.close();
            throw new dev.berth.execution.Containers.Stopped();
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /** Removes what a verification on a node that died left: its container and volume. */
    public void forget(Viewer system, UUID databaseId, UUID id) {
        var database = transactions.read(system, () -> rows.byId(system.teamId(), databaseId));
        if (database.isEmpty()) return;
        var containers = commands.containers(system, database.get().serverId());
        new Throwaway(new DatabaseService.Inside(database.get(), containers, null, null), "berth-verify-" + id).close();
    }

    /** A throwaway copy running; {@link #close()} removes it and its volume. */
    public record Throwaway(DatabaseService.Inside inside, String volume) implements AutoCloseable {
        /** Removes it and its volume, each step on its own (a failing one does not keep the others from running). */
        @Override
        public void close() {
            var containers = inside.containers();
            try {
                for (var container : containers.list(Map.of(LABEL, volume.substring("berth-verify-".length())))) {
                    try {
                        containers.remove(container.id());
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(Throwaways.class).warn("event=throwaway-remove-failed container={}", container.id());
                    }
                }
                containers.removeVolume(volume);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Throwaways.class).warn("event=throwaway-cleanup-failed volume={} reason={}", volume,
                        dev.berth.execution.Reasons.plain(e));
            }
        }
    }
}
