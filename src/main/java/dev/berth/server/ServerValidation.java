package dev.berth.server;

import dev.berth.api.AuditSink;
import dev.berth.api.Viewer;
import dev.berth.errors.NotFoundException;
import dev.berth.events.RedisKeys;
import dev.berth.execution.Argv;
import dev.berth.execution.ServerUnreachableException;
import dev.berth.storage.Ids;
import dev.berth.storage.TeamTransactions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Checks a server step by step (SSH connect, host key, OS, architecture, disk, Docker), streaming each step;
 * stores the result and facts, caches the status in Dragonfly ({@code berth:<team>:server:<id>:status}) and
 * announces it on {@code serverEvents}. {@link #start} returns at once with the validation's id.
 */
@Singleton
public class ServerValidation {
    private static final Logger LOG = LoggerFactory.getLogger(ServerValidation.class);

    private final ServerService servers;
    private final ServerCommands commands;
    private final ServerRepositories.ServerRepository rows;
    private final ServerLocks locks;
    private final ValidationLog log;
    private final StatefulRedisConnection<String, String> redis;
    private final ApplicationEventPublisher<ServerChanged> changes;
    private final TeamTransactions transactions;
    private final ExecutorService executor;
    private final AuditSink audit;

    private final dev.berth.jobs.NodeStopping stopping;

    ServerValidation(ServerService servers, ServerCommands commands, ServerRepositories.ServerRepository rows, ServerLocks locks, ValidationLog log,
                     StatefulRedisConnection<String, String> redis, ApplicationEventPublisher<ServerChanged> changes,
                     TeamTransactions transactions, AuditSink audit, dev.berth.jobs.NodeStopping stopping) {
        this.stopping = stopping;
        this.audit = audit;
        this.servers = servers;
        this.commands = commands;
        this.rows = rows;
        this.locks = locks;
        this.log = log;
        this.redis = redis;
        this.changes = changes;
        this.transactions = transactions;
        // A plain executor on purpose: Micronaut's own would carry the starting request's transaction context
        // into the run, and that connection is closed by the time the run uses it.
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("berth-validation-", 0).factory());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** Starts validating (another team's server is NOT_FOUND) and returns the id to follow. */
    public UUID start(Viewer viewer, UUID serverId) {
        servers.server(viewer, serverId);
        var validationId = Ids.next();
        log.open(viewer.teamId(), validationId);
        executor.execute(() -> run(viewer, serverId, validationId));
        return validationId;
    }

    /** Follows a validation of the caller's team; another team's validation id is NOT_FOUND, like a missing one. */
    public Flux<ValidationStep> follow(Viewer viewer, UUID validationId) {
        if (!log.exists(viewer.teamId(), validationId)) throw new NotFoundException("ServerValidation", validationId);
        return log.follow(viewer.teamId(), validationId);
    }

    static String statusKey(UUID teamId, UUID serverId) {
        return RedisKeys.tenant(teamId, "server", serverId, "status");
    }

    /** Runs the steps; returns the resulting status. Also used by the probe, with no one following. */
    ServerStatus run(Viewer viewer, UUID serverId, UUID validationId) {
        var run = new Run(viewer.teamId(), serverId, validationId);
        var facts = new LinkedHashMap<String, Object>();
        var status = ServerStatus.REACHABLE;
        if (servers.server(viewer, serverId).local()) return runLocal(viewer, serverId, run, facts);
        try {
            commands.run(viewer, serverId, Argv.of("true"));
            run.step("connect", true, "SSH connection and key accepted");
            var server = servers.server(viewer, serverId);
            run.step("host-key", true, server.hostKeyFingerprint());
            var os = commands.run(viewer, serverId, Argv.of("uname", "-sr")).stdout().strip();
            facts.put("os", os);
            run.step("os", true, os);
            var arch = commands.run(viewer, serverId, Argv.of("uname", "-m")).stdout().strip();
            facts.put("architecture", arch);
            run.step("architecture", true, arch);
            var freeGiB = freeGiB(commands.run(viewer, serverId, Argv.of("df", "-Pk", "/")).stdout());
            if (freeGiB < 0) {
                // an unexpected df says nothing about reachability: the step fails, the status stands
                run.step("disk", false, "free space on / unknown (unexpected df output)");
            } else {
                facts.put("diskFreeGiB", freeGiB);
                run.step("disk", freeGiB >= 2, freeGiB + " GiB free on /");
            }
            try {
                var version = commands.docker(viewer, serverId).versionCmd().exec();
                facts.put("dockerVersion", version.getVersion());
                run.step("docker", true, "Docker " + version.getVersion() + " (API " + version.getApiVersion() + ")");
                network(viewer, server, run, facts);
            } catch (RuntimeException e) {
                status = ServerStatus.DOCKER_MISSING;
                run.step("docker", false, "Docker does not answer on " + server.dockerSocket() + ": " + shortly(dev.berth.execution.Reasons.plain(e)));
            }
        } catch (ServerUnreachableException e) {
            status = ServerStatus.UNREACHABLE;
            run.step("connect", false, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("event=validation-failed server={} error={}", serverId, e.getClass().getSimpleName());
            status = ServerStatus.UNREACHABLE;
            run.step("error", false, "Validation failed unexpectedly");
        }
        return conclude(viewer, serverId, run, status, facts);
    }

    /**
     * Whether the network the server's applications join is usable: on BRIDGE (or a named network), Docker's network
     * must exist with an address (a daemon started with --bridge=none has none, and containers there reach nothing);
     * HOST needs nothing. The step fails with what to do; the status stands (SSH and Docker answered).
     */
    private void network(Viewer viewer, Server server, Run run, Map<String, Object> facts) {
        try {
            checkNetwork(viewer, server, run, facts);
        } catch (RuntimeException e) {
            // Docker answered its version: a failure to list its networks is this step's, not a missing Docker
            run.step("network", false, "Docker's networks could not be listed: " + shortly(dev.berth.execution.Reasons.plain(e)));
        }
    }

    private void checkNetwork(Viewer viewer, Server server, Run run, Map<String, Object> facts) {
        var mode = servers.networkMode(server);
        var network = servers.network(server, null);
        facts.put("networkMode", mode.name());
        if ("host".equals(network)) {
            run.step("network", true, "networkMode HOST: containers use the server's own network (every container port is a server port)");
            return;
        }
        var subnets = commands.containers(viewer, server.id()).networkSubnets(network);
        facts.put("networkSubnets", subnets);
        if (subnets.isEmpty()) {
            run.step("network", false, "Docker has no network " + network + " with an address (a daemon started with --bridge=none has none): "
                    + "deployments here fail until the server's networkMode is HOST (updateServer) or Docker gets its bridge");
        } else {
            run.step("network", true, "networkMode " + mode.name() + ": Docker's network " + network + " has " + String.join(", ", subnets));
        }
    }

    /** A daemon's answer as a validation step shows it: its first 500 characters. */
    private static String shortly(String reason) {
        return reason.length() > 500 ? reason.substring(0, 500) + "…" : reason;
    }

    /** The Berth host: no SSH, only its Docker daemon. */
    private ServerStatus runLocal(Viewer viewer, UUID serverId, Run run, Map<String, Object> facts) {
        var status = ServerStatus.REACHABLE;
        var socket = servers.server(viewer, serverId).dockerSocket();
        try {
            var info = commands.docker(viewer, serverId).infoCmd().exec();
            facts.put("os", info.getOperatingSystem());
            facts.put("architecture", info.getArchitecture());
            facts.put("dockerVersion", info.getServerVersion());
            run.step("docker", true, "Docker " + info.getServerVersion() + " on the Berth host (" + info.getArchitecture() + ")");
            network(viewer, servers.server(viewer, serverId), run, facts);
        } catch (RuntimeException e) {
            status = ServerStatus.DOCKER_MISSING;
            run.step("docker", false, "Docker does not answer on " + socket + ": " + shortly(dev.berth.execution.Reasons.plain(e)));
        }
        return conclude(viewer, serverId, run, status, facts);
    }

    /** Stores and announces the outcome, then ends the stream of steps with it. */
    private ServerStatus conclude(Viewer viewer, UUID serverId, Run run, ServerStatus status, Map<String, Object> facts) {
        if (status != ServerStatus.REACHABLE && stopping.now()) {
            // cut by this node's stop (an SSH call interrupted): it says nothing about the server, so nothing is recorded
            LOG.info("event=validation-cut-by-stop server={}", serverId);
            Thread.interrupted();
            run.finish(status);
            return status;
        }
        record(viewer, serverId, status, facts);
        run.finish(status);
        return status;
    }

    private void record(Viewer viewer, UUID serverId, ServerStatus status, Map<String, Object> facts) {
        transactions.write(viewer, () -> {
            // the server may have been deleted while it was being checked: then there is nothing to record
            locks.locked(serverId, viewer.teamId()).ifPresent(server -> {
                rows.update(server.checked(status, facts, Instant.now()));
                changes.publishEvent(new ServerChanged(viewer.teamId(), serverId, status, Instant.now()));
                if (viewer.isSystem() && server.status() != status) {
                    // background work shows in the audit log as itself: no user, address "system", agent berth:<job>
                    audit.record(viewer, new AuditSink.Entry("probeServer", viewer.teamId(), null, "Server", serverId.toString(),
                            Map.of("status", status.name(), "previous", String.valueOf(server.status()))));
                }
            });
            return null;
        });
        redis.async().setex(statusKey(viewer.teamId(), serverId), 3600, status.name());
    }

    /** GiB available from {@code df -Pk} output, or -1 when the output is not what POSIX df prints. */
    static long freeGiB(String dfOutput) {
        var lines = dfOutput.strip().split("\n");
        var columns = lines[lines.length - 1].trim().split("\\s+");
        if (columns.length < 4 || !columns[3].matches("\\d{1,18}")) return -1;
        return Long.parseLong(columns[3]) / (1024 * 1024);
    }

    /** Numbers and appends the steps of one validation. */
    private final class Run {
        private final UUID teamId;
        private final UUID serverId;
        private final UUID validationId;
        private int index;

        Run(UUID teamId, UUID serverId, UUID validationId) {
            this.teamId = teamId;
            this.serverId = serverId;
            this.validationId = validationId;
        }

        void step(String name, boolean ok, String detail) {
            log.append(teamId, new ValidationStep(validationId, serverId, index++, name, ok, detail, null));
        }

        void finish(ServerStatus status) {
            log.append(teamId, new ValidationStep(validationId, serverId, index++, "result", status == ServerStatus.REACHABLE,
                    status.name(), status));
        }
    }
}
