package dev.berth.deployment;

import dev.berth.api.Viewer;
import dev.berth.application.Application;
import dev.berth.application.ApplicationService;
import dev.berth.application.EnvironmentVariable;
import dev.berth.application.Labels;
import dev.berth.application.VariableService;
import dev.berth.errors.ConflictException;
import dev.berth.execution.Containers;
import dev.berth.server.ServerCommands;
import dev.berth.storage.TeamTransactions;
import jakarta.inject.Singleton;
import java.io.Closeable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Starting, stopping and restarting an application's container, and following its output. The containers are found
 * by their {@code berth.app} label; the work happens outside any transaction (short ones read and record around it).
 */
@Singleton
public class ApplicationRuntime {
    static final int MAX_TAIL = 10_000;

    private final ApplicationService applications;
    private final VariableService variables;
    private final DeploymentRows rows;
    private final ServerCommands servers;
    private final TeamTransactions transactions;
    private final SealedEnvironments environments;

    ApplicationRuntime(ApplicationService applications, VariableService variables, DeploymentRows rows, ServerCommands servers,
                       TeamTransactions transactions,
                       SealedEnvironments environments) {
        this.environments = environments;
        this.applications = applications;
        this.variables = variables;
        this.rows = rows;
        this.servers = servers;
        this.transactions = transactions;
    }

    /** One line of a running application's output; secret values masked. */
    public record RuntimeLine(Instant at, String stream, String text) {}

    public Application stop(Viewer viewer, UUID applicationId) {
        var application = idle(viewer, applicationId);
        var containers = servers.containers(viewer, application.serverId());
        var running = containers.list(Map.of(Labels.APP, applicationId.toString()));
        // recorded first: the container watch then sees the exit as the stop it is (a stop that fails half-way is
        // corrected by the watch: a container still running makes the application RUNNING again)
        var stopped = record(viewer, application, Application.Status.STOPPED);
        for (var container : running) containers.stop(container.id(), application.settings().stopGrace());
        return stopped;
    }

    public Application start(Viewer viewer, UUID applicationId) {
        return run(viewer, applicationId, false);
    }

    public Application restart(Viewer viewer, UUID applicationId) {
        return run(viewer, applicationId, true);
    }

    /** Starts (stopping it first when {@code restart}) the container of the latest successful deployment. */
    private Application run(Viewer viewer, UUID applicationId, boolean restart) {
        var application = idle(viewer, applicationId);
        var deploymentId = latest(application);
        var containers = servers.containers(viewer, application.serverId());
        var current = current(containers, deploymentId);
        if (restart) containers.stop(current.id(), application.settings().stopGrace());
        containers.start(current.id());
        return record(viewer, application, Application.Status.RUNNING);
    }

    /** Follows the running container's output, starting with its last {@code tail} lines. */
    public Flux<RuntimeLine> follow(Viewer viewer, UUID applicationId, int tail) {
        if (tail < 0 || tail > MAX_TAIL) throw new dev.berth.errors.InvalidInputException("tail", "0 to " + MAX_TAIL);
        var application = applications.get(viewer, applicationId);
        var deploymentId = latest(application);
        var mask = new LogMask(secrets(viewer, application, deploymentId));
        var containers = servers.containers(viewer, application.serverId());
        var current = current(containers, deploymentId);
        return Flux.create((FluxSink<RuntimeLine> sink) -> {
            Closeable handle = containers.follow(current.id(), tail, (stream, text) ->
                    sink.next(new RuntimeLine(Instant.now(), stream.toUpperCase(), mask.shown(text.replace('\0', '\uFFFD')))));
            sink.onDispose(() -> {
                try {
                    handle.close();
                } catch (java.io.IOException ignored) {
                    // closing anyway
                }
            });
        }, FluxSink.OverflowStrategy.ERROR);
    }

    /**
     * What the container's output must never show: the secrets of the environment the running container was given
     * (its deployment's sealed copy: a secret rotated since then is still the one it prints), and today's values too.
     */
    private java.util.List<String> secrets(Viewer viewer, Application application, UUID deploymentId) {
        return transactions.read(viewer, () -> {
            var given = environments.open(deploymentId, rows.environmentSealed(application.teamId(), deploymentId)).secretValues();
            var current = variables.effective(viewer, application).stream().filter(EnvironmentVariable::secret).map(EnvironmentVariable::plain);
            return java.util.stream.Stream.concat(given.stream(), current).distinct().toList();
        });
    }

    /** The application, when no deployment of it is queued or running (they own its containers meanwhile). */
    private Application idle(Viewer viewer, UUID applicationId) {
        return transactions.read(viewer, () -> {
            var application = applications.get(viewer, applicationId);
            if (!rows.active(viewer.teamId(), applicationId).isEmpty()) {
                throw new ConflictException("A deployment of this application is queued or running; wait for it or cancel it.");
            }
            return application;
        });
    }

    /** The application's latest successful deployment: checked before the server is contacted at all. */
    private UUID latest(Application application) {
        return transactions.read(Viewer.system(application.teamId(), "runtime"), () -> rows.latestSucceeded(application.teamId(), application.id()))
                .orElseThrow(() -> new ConflictException("The application has never been deployed successfully.")).id();
    }

    /** The container of that deployment on the server. */
    private Containers.Container current(Containers containers, UUID deploymentId) {
        return containers.list(Map.of(Labels.DEPLOYMENT, deploymentId.toString())).stream().findFirst()
                .orElseThrow(() -> new ConflictException("The container of the latest deployment is gone from the server; deploy again."));
    }

    private Application record(Viewer viewer, Application application, Application.Status status) {
        return transactions.write(viewer, () -> {
            applications.status(viewer, application.id(), status); // a change is an applicationEvents UPDATED
            return applications.get(viewer, application.id());
        });
    }
}
