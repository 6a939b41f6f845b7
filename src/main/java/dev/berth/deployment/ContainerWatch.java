package dev.berth.deployment;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.berth.api.Viewer;
import dev.berth.application.ApplicationChanged;
import dev.berth.application.ApplicationService;
import dev.berth.application.Labels;
import dev.berth.execution.Reasons;
import dev.berth.identity.TeamService;
import dev.berth.server.ServerCommands;
import dev.berth.storage.TeamTransactions;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each application's status in step with its current container: one Docker event stream per server that runs
 * applications whose status follows their container (over the server's existing Docker bridge), filtered to Berth's
 * containers. An event makes the watch look at that application's container ({@code docker inspect}) and record its
 * status, restart count and exit, with an {@code applicationEvents} UPDATED when anything changed. A stream that ends
 * (the server rebooted, the connection dropped) is opened again with {@code since} the last event seen, after a
 * look at every application of the server; every {@link #RECONCILE} the watch looks at all of them anyway (a
 * container that stayed up after restarting is RUNNING again, an event lost meanwhile is made up for).
 * <p>
 * Every node watches every server: the record is a compare-and-set on the status the look started from, and an
 * unchanged look writes nothing, so two nodes seeing one event publish it once.
 */
@Singleton
@Requires(property = "berth.deployments.watch-containers", notEquals = "false")
final class ContainerWatch implements dev.berth.runtime.StartsWhenReady {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerWatch.class);
    /** How often the set of servers to watch is refreshed, and each watch looks at all of its applications. */
    static final Duration RECONCILE = Duration.ofSeconds(30);
    /** The longest wait before a failed stream is opened again. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final TeamService teams;
    private final TeamTransactions transactions;
    private final ApplicationService applications;
    private final DeploymentRows deployments;
    private final ServerCommands commands;
    private final ApplicationEventPublisher<ApplicationChanged> changes;
    private final Map<UUID, ServerWatch> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("berth-container-watch").daemon().factory());
    private final java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean();

    ContainerWatch(TeamService teams, TeamTransactions transactions, ApplicationService applications, DeploymentRows deployments,
                   ServerCommands commands, ApplicationEventPublisher<ApplicationChanged> changes) {
        this.teams = teams;
        this.transactions = transactions;
        this.applications = applications;
        this.deployments = deployments;
        this.commands = commands;
        this.changes = changes;
    }

    /**
     * Starts watching: once the node is ready ({@link dev.berth.runtime.ReadyStarts}), not before it: this bean and
     * everything it needs are built after the API is up ({@code /health} does not wait for them), unless an
     * application changes before (its event builds the bean, whose refresh then starts the watches it needs).
     */
    @Override
    public void startWhenReady() {
        if (stopped || !watching.compareAndSet(false, true)) return;
        try {
            refresher.scheduleWithFixedDelay(this::refresh, 0, RECONCILE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException rejected) {
            // the node stopped before it was ready: nothing to watch
        }
    }

    /** Applications changed since the last refresh; at most {@link #MAX_CHANGED} are remembered. */
    private final java.util.Set<UUID> changed = ConcurrentHashMap.newKeySet();
    private static final int MAX_CHANGED = 10_000;
    private final java.util.concurrent.atomic.AtomicBoolean refreshPending = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * An application changed (a deployment ended, it was stopped or started; published before its transaction
     * commits): soon after, the set of servers is refreshed, so a server that runs its first application is watched,
     * and its watch looks at the application (its new container). Changes within 2 s make one refresh.
     */
    @EventListener
    void onApplicationChanged(ApplicationChanged event) {
        if (event.kind() == ApplicationChanged.Kind.DELETED) return;
        if (changed.size() < MAX_CHANGED) changed.add(event.applicationId());
        if (!refreshPending.compareAndSet(false, true)) return;
        try {
            refresher.schedule(() -> {
                refreshPending.set(false);
                refresh();
                for (var id : java.util.List.copyOf(changed)) {
                    changed.remove(id);
                    watches.values().forEach(watch -> watch.touch(id)); // the one of its server looks, the others skip it
                }
            }, 2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the node stops
        }
    }

    private volatile boolean stopped;

    @PreDestroy
    void stop() throws InterruptedException {
        stopped = true;
        refresher.shutdownNow();
        refresher.awaitTermination(10, TimeUnit.SECONDS); // a refresh under way adds no watch after this
        watches.values().forEach(ServerWatch::close);
        watches.clear();
    }

    /** Starts a watch for each server with applications to follow, ends the watches of servers with none. */
    void refresh() {
        try {
            var wanted = new HashMap<UUID, UUID>(); // server -> its team
            var unknown = new java.util.HashSet<UUID>(); // teams whose applications could not be read this time
            for (var teamId : teams.allTeamIds()) {
                var system = system(teamId);
                try {
                    for (var watched : transactions.read(system, () -> applications.watched(system))) wanted.put(watched.serverId(), teamId);
                } catch (RuntimeException e) {
                    unknown.add(teamId);
                }
            }
            if (stopped) return;
            watches.entrySet().removeIf(entry -> {
                if (wanted.containsKey(entry.getKey()) || unknown.contains(entry.getValue().teamId)) return false;
                entry.getValue().close();
                return true;
            });
            // a watch whose thread ended (it never should) is replaced
            wanted.forEach((serverId, teamId) -> watches.compute(serverId, (id, watch) ->
                    watch != null && watch.alive() ? watch : new ServerWatch(teamId, id)));
        } catch (RuntimeException e) {
            LOG.warn("event=container-watch-refresh-failed error={}", e.getClass().getSimpleName());
        }
    }

    private static Viewer system(UUID teamId) {
        return Viewer.system(teamId, "container-watch");
    }

    /** One server's event stream and the looks it causes, on a virtual thread of its own. */
    private final class ServerWatch {
        final UUID teamId;
        private final UUID serverId;
        private final Thread thread;
        private final LinkedBlockingQueue<Touch> touched = new LinkedBlockingQueue<>(10_000);
        private volatile boolean closed;
        private volatile ResultCallback.Adapter<Event> stream;
        private volatile long since = Instant.now().getEpochSecond();

        ServerWatch(UUID teamId, UUID serverId) {
            this.teamId = teamId;
            this.serverId = serverId;
            this.thread = Thread.ofVirtual().name("berth-watch-" + serverId).start(this::run);
        }

        void touch(UUID applicationId) {
            touched.offer(new Touch(applicationId, null, null));
        }

        boolean alive() {
            return thread.isAlive();
        }

        void close() {
            closed = true;
            var open = stream;
            if (open != null) closeQuietly(open);
            thread.interrupt();
        }

        private void run() {
            int failures = 0;
            while (!closed) {
                try {
                    var docker = commands.docker(system(teamId), serverId);
                    var ended = new java.util.concurrent.atomic.AtomicBoolean();
                    var callback = new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onNext(Event event) {
                            if (event.getTime() != null) since = Math.max(since, event.getTime());
                            var attributes = event.getActor() == null ? null : event.getActor().getAttributes();
                            var app = attributes == null ? null : attributes.get(Labels.APP);
                            if (app != null) {
                                try {
                                    touched.offer(new Touch(UUID.fromString(app), event.getId(),
                                            "die".equals(event.getAction()) ? exitCode(attributes) : null));
                                } catch (IllegalArgumentException notOurs) {
                                    // a label Berth did not write
                                }
                            }
                        }

                        @Override
                        public void onError(Throwable error) {
                            ended.set(true);
                        }

                        @Override
                        public void onComplete() {
                            ended.set(true);
                        }
                    };
                    // what changes a container's state; not exec_* or health_status, which an image's HEALTHCHECK makes all the time
                    stream = docker.eventsCmd().withSince(String.valueOf(since)).withEventTypeFilter(EventType.CONTAINER)
                            .withEventFilter("start", "die", "destroy", "oom", "restart", "pause", "unpause")
                            .withLabelFilter(Map.of(Labels.MANAGED, "true")).exec(callback);
                    try {
                        lookAtAll(docker); // what changed while no stream was open
                        failures = 0;
                        long nextLook = System.nanoTime() + RECONCILE.toNanos();
                        while (!closed && !ended.get()) {
                            var touch = touched.poll(250, TimeUnit.MILLISECONDS);
                            if (touch != null) look(docker, touch);
                            if (System.nanoTime() - nextLook > 0) {
                                lookAtAll(docker);
                                nextLook = System.nanoTime() + RECONCILE.toNanos();
                            }
                        }
                    } finally {
                        closeQuietly(callback);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (failures == 0) LOG.warn("event=container-watch-lost server={} error={}", serverId, e.getClass().getSimpleName());
                    failures++;
                }
                if (closed) return;
                try {
                    Thread.sleep(Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(failures, 5)));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void lookAtAll(DockerClient docker) {
            var system = system(teamId);
            for (var watched : transactions.read(system, () -> applications.watched(system))) {
                if (watched.serverId().equals(serverId)) look(docker, new Touch(watched.id(), null, null));
            }
        }

        /** Looks at the application's current container and records what it shows. */
        private void look(DockerClient docker, Touch touch) {
            var system = system(teamId);
            var applicationId = touch.applicationId();
            try {
                var application = transactions.read(system, () -> applications.get(system, applicationId));
                if (!application.serverId().equals(serverId) || application.status().ownedByDeployments()) return;
                var current = transactions.read(system, () -> deployments.latestSucceeded(teamId, applicationId));
                if (current.isEmpty()) return;
                var inspected = seen(docker, applicationId, current.get().id());
                var seen = inspected.seen();
                var now = Instant.now();
                var status = ContainerStatus.next(application.status(), seen, now);
                // a die event's exit code counts for the container it was about, not a later one of the application
                var diedWith = touch.containerId() != null && touch.containerId().equals(inspected.containerId()) ? touch.diedWith() : null;
                var state = ContainerStatus.state(seen, diedWith, application.container(), now);
                boolean changed = transactions.write(system, () -> {
                    boolean recorded = applications.observed(system, applicationId, application.status(), current.get().id(), status, state);
                    if (recorded) {
                        changes.publishEvent(new ApplicationChanged(ApplicationChanged.Kind.UPDATED, teamId, application.projectId(),
                                applicationId, now));
                    }
                    return recorded;
                });
                if (changed && status != application.status()) {
                    LOG.info("event=application-status application={} status={} restarts={} exit={}", applicationId, status,
                            state.restartCount(), state.exitCode());
                }
            } catch (dev.berth.errors.NotFoundException deleted) {
                // deleted meanwhile
            } catch (RuntimeException e) {
                // this application's look failed (a daemon or database error): the next event or round looks again,
                // and the server's other applications are not held up by it
                LOG.warn("event=container-look-failed application={} error={}", applicationId, Reasons.plain(e));
            }
        }

        /** The deployment's container as the daemon shows it (the running one, if a takeover left two), and its id. */
        private Inspected seen(DockerClient docker, UUID applicationId, UUID deploymentId) {
            var found = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(Labels.APP, applicationId.toString(), Labels.DEPLOYMENT, deploymentId.toString())).exec();
            if (found.isEmpty()) return new Inspected(null, ContainerStatus.Seen.absent());
            var chosen = found.stream().filter(c -> "running".equals(c.getState())).findFirst().orElse(found.getFirst());
            try {
                var inspected = docker.inspectContainerCmd(chosen.getId()).exec();
                var state = inspected.getState();
                Instant started = null;
                try {
                    if (state.getStartedAt() != null && !state.getStartedAt().startsWith("0001-")) started = Instant.parse(state.getStartedAt());
                } catch (java.time.format.DateTimeParseException unknown) {
                    // left unknown
                }
                var exit = state.getExitCodeLong();
                return new Inspected(chosen.getId(), new ContainerStatus.Seen(true, Boolean.TRUE.equals(state.getRunning()),
                        Boolean.TRUE.equals(state.getRestarting()), inspected.getRestartCount() == null ? 0 : inspected.getRestartCount(),
                        exit == null ? null : exit.intValue(), Boolean.TRUE.equals(state.getOOMKilled()), started));
            } catch (NotFoundException removed) {
                return new Inspected(null, ContainerStatus.Seen.absent());
            }
        }
    }

    /** An application an event concerned: the event's container, and the exit code a {@code die} event carried. */
    private record Touch(UUID applicationId, @io.micronaut.core.annotation.Nullable String containerId,
                         @io.micronaut.core.annotation.Nullable Integer diedWith) {}

    /** A container looked at: its id (null when there is none) and what it shows. */
    private record Inspected(@io.micronaut.core.annotation.Nullable String containerId, ContainerStatus.Seen seen) {}

    private static Integer exitCode(Map<String, String> attributes) {
        try {
            return attributes.get("exitCode") == null ? null : Integer.valueOf(attributes.get("exitCode"));
        } catch (NumberFormatException odd) {
            return null;
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
