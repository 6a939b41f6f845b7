package dev.berth.deployment;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.berth.api.Viewer;
import dev.berth.application.Application;
import dev.berth.application.ApplicationService;
import dev.berth.events.EventBus;
import dev.berth.jobs.Job;
import dev.berth.jobs.JobQueue;
import dev.berth.server.ServerCommands;
import dev.berth.storage.TeamTransactions;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one deployment on the job engine. The job of a node that died is revived on another node after the missed
 * heartbeats; the revived run cleans up what the dead one made and starts over, and after
 * {@code berth.deployments.max-attempts} the deployment ends FAILED: none stays unfinished. When the deployment
 * ends, the application's next queued deployment gets its job, in the same transaction.
 */
@Singleton
final class DeployJob implements Job {
    static final String TASK = "deploy";
    private static final Logger LOG = LoggerFactory.getLogger(DeployJob.class);

    private final DeploymentRows rows;
    private final TeamTransactions transactions;
    private final ServerCommands servers;
    private final ApplicationService applications;
    private final EventBus bus;
    private final ApplicationEventPublisher<DeploymentChanged> changes;
    private final SealedEnvironments environments;
    private final DeploymentsProperties properties;
    private final dev.berth.registry.RegistryService registries;
    private final DeploymentQueue deploymentQueue;
    private final ApplicationEventPublisher<LogEnded> ended;

    DeployJob(DeploymentRows rows, TeamTransactions transactions, ServerCommands servers, ApplicationService applications, EventBus bus,
              ApplicationEventPublisher<DeploymentChanged> changes, SealedEnvironments environments,
              DeploymentsProperties properties, dev.berth.registry.RegistryService registries, DeploymentQueue deploymentQueue,
              ApplicationEventPublisher<LogEnded> ended, dev.berth.jobs.NodeStopping stopping, dev.berth.server.ServerService serverService,
              dev.berth.proxy.ProxyService proxies) {
        this.proxies = proxies;
        this.serverService = serverService;
        this.stopping = stopping;
        this.deploymentQueue = deploymentQueue;
        this.ended = ended;
        this.registries = registries;
        this.rows = rows;
        this.transactions = transactions;
        this.servers = servers;
        this.applications = applications;
        this.bus = bus;
        this.changes = changes;
        this.environments = environments;
        this.properties = properties;
    }

    private final dev.berth.jobs.NodeStopping stopping;
    private final dev.berth.server.ServerService serverService;
    private final dev.berth.proxy.ProxyService proxies;

    /** How often a running deployment reads whether it was cancelled. */
    static final java.time.Duration CANCEL_CHECK = java.time.Duration.ofMillis(500);

    @Override
    public Task<?> task() {
        return Tasks.custom(TASK, Void.class)
                .onDeadExecution(new DeadExecutionHandler.ReviveDeadExecution<>())
                .execute((instance, context) -> {
                    var system = Viewer.system(JobQueue.team(instance.getId()), "deploy");
                    var id = JobQueue.subject(instance.getId());
                    boolean done;
                    try {
                        done = run(system, id);
                    } catch (RuntimeException e) {
                        // before the run started (PostgreSQL away, say): try again later, never db-scheduler's own retry
                        LOG.error("event=deploy-start-failed deployment={}", id, e);
                        done = false;
                    }
                    return done ? new CompletionHandler.OnCompleteRemove<>()
                            : (complete, operations) -> operations.reschedule(complete, Instant.now().plusSeconds(2));
                });
    }

    /** What a run needs from PostgreSQL before it starts, read (and the attempt counted) in one transaction. */
    private record Start(Deployment deployment, int attempt, String environmentSealed, long lastSeq) {}

    /** Runs the deployment; false when the server is busy and it should be tried again shortly. */
    boolean run(Viewer system, UUID id) {
        var start = transactions.write(system, () -> {
            var deployment = rows.byId(system.teamId(), id).orElse(null);
            if (deployment == null) return null;
            if (deployment.status().terminal()) { // ended meanwhile (cancelled, say): its queue goes on
                deploymentQueue.handOn(system.teamId(), deployment.applicationId());
                return null;
            }
            rows.lockServer(deployment.serverId()); // one start at a time per server: a burst cannot overrun the limit
            if (rows.runningOn(system.teamId(), deployment.serverId(), id) >= properties.perServer()) return new Start(deployment, 0, null, 0);
            int attempt = rows.nextAttempt(system.teamId(), id); // counted in the row itself: two starts never share one
            return new Start(deployment, attempt, rows.environmentSealed(system.teamId(), id), rows.lastSeq(system.teamId(), id));
        });
        if (start == null) return true;
        if (start.attempt() == 0) return false;
        var deployment = start.deployment();
        int attempt = start.attempt();
        var environment = environments.open(id, start.environmentSealed());
        var secrets = new java.util.ArrayList<>(environment.secretValues());
        secrets.addAll(registrySecret(system, deployment)); // a daemon's refusal of a pull can echo what it was sent
        var mask = new LogMask(secrets);
        long lastSeq = start.lastSeq();
        // a cancel is read from PostgreSQL (the truth) every half second: no Dragonfly outage can hide it
        var cancelled = new AtomicBoolean();
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                if (transactions.read(system, () -> rows.byId(system.teamId(), id)).map(Deployment::cancelRequested).orElse(true)) cancelled.set(true);
            } catch (RuntimeException e) {
                LOG.debug("event=cancel-check-failed deployment={} error={}", id, e.getClass().getSimpleName());
            }
        }, 0, CANCEL_CHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        var decided = new AtomicBoolean();
        try {
            return runStarted(system, deployment, attempt, environment, mask, lastSeq, cancelled, timer, decided);
        } catch (RuntimeException e) {
            if (!decided.get() && stopping.now()) { // failed under the node's stop before an outcome: another node takes it over
                Thread.interrupted();
                LOG.info("event=deployment-handed-over deployment={} attempt={} error={}", id, attempt, e.getClass().getSimpleName());
                return false;
            }
            // outside the Deployer (a bug, PostgreSQL away): ended here; never re-run, which would remove its own container
            Thread.interrupted();
            LOG.error("event=deploy-run-failed deployment={} attempt={}", id, attempt, e);
            return abandon(system, deployment, attempt);
        } finally {
            timer.shutdownNow();
        }
    }

    private boolean runStarted(Viewer system, Deployment deployment, int attempt, Snapshot.Environment environment, LogMask mask, long lastSeq,
                               AtomicBoolean cancelled, java.util.concurrent.ScheduledExecutorService timer, AtomicBoolean decided) {
        var id = deployment.id();
        try (var log = new LogWriter(system, id, lastSeq, rows, transactions, bus, mask, properties.maxLogLines())) {
            timer.scheduleAtFixedRate(log::flush, LogWriter.FLUSH_MILLIS, LogWriter.FLUSH_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            Deployer.Outcome outcome;
            if (attempt > properties.maxAttempts()) {
                leaveNothingBehind(system, deployment, log);
                outcome = new Deployer.Outcome(Deployment.Status.FAILED, "the node running it stopped " + (attempt - 1) + " times");
            } else {
                if (attempt > 1) log.step("taking over from a node that stopped (attempt " + attempt + ")");
                outcome = execute(system, deployment, attempt, environment, log, cancelled);
            }
            if (outcome == Deployer.STOPPED) {
                Thread.interrupted(); // what follows writes to PostgreSQL
                // this node stops (SIGTERM): the deployment is handed over, never failed by the shutdown
                log.step("this node is stopping; another node takes the deployment over");
                stop(timer);
                log.close();
                LOG.info("event=deployment-handed-over deployment={} attempt={}", id, attempt);
                return false; // its job runs again shortly, on whichever node is up
            }
            decided.set(true); // from here the outcome stands: a failure to record it is never handed over (and re-run)
            stop(timer); // a flush under way finishes (an interrupt mid-store would lose its batch)
            Thread.interrupted(); // a stop's interrupt must not fail the writes that record the outcome
            log.close();
            // the reason is stored and shown like a log line: a daemon's error can echo an expanded secret
            finish(system, deployment, attempt, new Deployer.Outcome(outcome.status(), outcome.reason() == null ? null : mask.shown(outcome.reason())),
                    log.lastSeq());
        }
        return true;
    }

    /**
     * The last attempt gives up: what the earlier ones left on the server goes (their containers, found by the
     * deployment's label, and a git build's work directory, deploy key included). Best effort, said in the log.
     */
    private void leaveNothingBehind(Viewer system, Deployment deployment, DeploymentLog log) {
        try {
            removeOwnContainers(servers.containers(system, deployment.serverId()), deployment);
            if (deployment.snapshot().source() instanceof dev.berth.application.ApplicationSource.Git && deployment.snapshot().image() == null) {
                servers.run(system, deployment.serverId(), GitCommands.remove(new GitCommands.Layout(DeploymentPlanner.workDir(deployment.id()))));
            }
        } catch (RuntimeException e) {
            log.step("could not clean up after the earlier attempts: " + dev.berth.execution.Reasons.plain(e));
        }
    }

    /** True when the application's domains reach this deployment already and its one container runs (a taken-over run after its switch). */
    private boolean servesAlready(Viewer system, Deployment deployment, dev.berth.execution.Containers containers) {
        if (!proxies.serves(system, deployment.applicationId(), deployment.id())) return false;
        var own = containers.list(java.util.Map.of(dev.berth.application.Labels.DEPLOYMENT, deployment.id().toString()));
        return own.size() == 1 && own.getFirst().running();
    }

    /** Removes the containers an earlier attempt made for this deployment (found by its label). */
    private static void removeOwnContainers(dev.berth.execution.Containers containers, Deployment deployment) {
        for (var own : containers.list(java.util.Map.of(dev.berth.application.Labels.DEPLOYMENT, deployment.id().toString()))) {
            containers.remove(own.id());
        }
    }

    /** Stops the run's timer without interrupting what it runs now, waiting for that a little. */
    private static void stop(java.util.concurrent.ScheduledExecutorService timer) {
        timer.shutdown();
        try {
            timer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Deployer.Outcome execute(Viewer system, Deployment deployment, int attempt, Snapshot.Environment environment, LogWriter log,
                                     AtomicBoolean cancelled) {
        try {
            var containers = servers.containers(system, deployment.serverId());
            var previous = Deployer.previous(containers, deployment.applicationId().toString(), deployment.id().toString());
            Deployer.Progress progress = new Deployer.Progress() {
                public void status(Deployment.Status status) { move(system, deployment, attempt, status); }
                public boolean cancelled() { return cancelled.get(); }
                public boolean stopping() { return stopping.now(); }
                public void created(String imageId, String containerId) {
                    transactions.write(system, () -> {
                        rows.ran(system.teamId(), deployment.id(), imageId, containerId, deployment.snapshot());
                        return null;
                    });
                }
                public void checkedOut(String commit) {
                    transactions.write(system, () -> {
                        rows.built(system.teamId(), deployment.id(), commit);
                        return null;
                    });
                }
            };
            if (attempt > 1 && servesAlready(system, deployment, containers)) {
                // the stopped node had switched the proxy to this deployment's container: it serves, so it stays. The proxy is
                // given the configuration again (the node may have stopped before loading it), then the previous ones retire
                try {
                    proxies.reload(system, deployment.serverId());
                } catch (RuntimeException e) {
                    log.step("the proxy could not be given its configuration (" + dev.berth.execution.Reasons.plain(e) + "): the previous containers keep running");
                    return new Deployer.Outcome(Deployment.Status.FAILED, "the proxy could not be reached after a node stopped during the switch");
                }
                log.step("the proxy sends the domains' requests to this deployment's container already: it stays");
                return new Deployer(containers, null, java.util.Map.of(), (host, port) -> { throw new java.io.IOException("no check"); }, log, progress,
                        duration -> Thread.sleep(duration.toMillis())).execute(DeploymentPlanner.retireOnly(deployment.snapshot(), previous));
            }
            removeOwnContainers(containers, deployment); // a revived run first removes what the stopped node had made
            var network = serverService.network(serverService.server(system, deployment.serverId()), deployment.snapshot().settings().networkMode());
            DeploymentPlanner.Proxied proxied = null;
            if (proxies.routed(system, deployment.applicationId(), deployment.serverId())) {
                proxied = new DeploymentPlanner.Proxied("host".equals(network) ? proxies.port(system, deployment.serverId(), deployment.id()) : null,
                        proxies.drain());
            }
            var plan = DeploymentPlanner.plan(new DeploymentPlanner.Input(system.teamId(), deployment.applicationId(), deployment.id(),
                    deployment.number(), deployment.snapshot(), environment, previous, network, deployment.commit(),
                    properties.keepImages(), properties.settle(), proxied));
            var secretBuildArgs = environment.buildTime().stream().filter(environment.secret()::contains).sorted().toList();
            if (!secretBuildArgs.isEmpty() && plan.steps().stream().anyMatch(DeploymentPlan.Build.class::isInstance)) {
                // stored before secrets were refused as build arguments: never built into an image's history
                log.step("refused build-time secrets " + secretBuildArgs + ": " + dev.berth.application.VariableService.SECRET_BUILD_ARGUMENT);
                return new Deployer.Outcome(Deployment.Status.FAILED, "secret build-time variables " + secretBuildArgs + " are refused");
            }
            var buildArgs = new java.util.LinkedHashMap<String, dev.berth.secrets.Secret>();
            environment.buildTime().forEach(key -> buildArgs.put(key, new dev.berth.secrets.Secret(environment.values().get(key))));
            var hostKeys = new GitWorkspace.HostKeys() {
                public String pinned(String repository) { return applications.gitHostKey(system, deployment.applicationId(), repository); }
                public void learned(String repository, dev.berth.application.GitHostKey key) {
                    applications.pinGitHostKey(system, deployment.applicationId(), repository, key);
                }
            };
            return new Deployer(containers, new GitWorkspace(system, deployment.serverId(), servers, hostKeys, cancelled::get), buildArgs,
                    (host, port) -> servers.connectTcp(system, deployment.serverId(), host, port), log, progress,
                    duration -> Thread.sleep(duration.toMillis()))
                    .withSwitcher((address, port) -> {
                        try {
                            return proxies.switchTo(system, deployment.applicationId(), deployment.serverId(), deployment.id(), deployment.number(), address, port);
                        } catch (dev.berth.proxy.ProxyService.SwitchUncertain uncertain) {
                            throw new Deployer.Uncertain(uncertain.getMessage());
                        }
                    })
                    .withRegistry(deployment.snapshot().source() instanceof dev.berth.application.ApplicationSource.Image image
                            ? registries.auth(system, image.registryId()) : null)
                    .execute(plan);
        } catch (dev.berth.execution.ServerUnreachableException e) {
            if (stopping.now()) return Deployer.STOPPED; // its SSH channel closed under the node's stop
            log.step("the server cannot be reached: " + dev.berth.execution.Reasons.plain(e));
            return new Deployer.Outcome(Deployment.Status.FAILED, "server unreachable");
        }
    }

    /**
     * The deployment ended, so its server has room: others put off for want of it go now. Its own transaction, after
     * the outcome committed: a failure here is only a later start (at the next poll), never a changed outcome.
     */
    private void makeRoom(Viewer system, Deployment deployment) {
        try {
            transactions.write(system, () -> {
                deploymentQueue.roomOn(system.teamId(), deployment.serverId());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debug("event=room-wake-failed server={} error={}", deployment.serverId(), e.getClass().getSimpleName());
        }
    }

    /** The password of the registry the deployment pulls from, as a value the log must mask; none when there is none. */
    private java.util.List<String> registrySecret(Viewer system, Deployment deployment) {
        if (!(deployment.snapshot().source() instanceof dev.berth.application.ApplicationSource.Image image) || image.registryId() == null) {
            return java.util.List.of();
        }
        try {
            var auth = registries.auth(system, image.registryId());
            return auth == null ? java.util.List.of() : java.util.List.of(auth.password().value());
        } catch (RuntimeException gone) {
            return java.util.List.of(); // the pull fails on it with its own reason
        }
    }

    /** A step's status, fenced by the attempt: one that another node took over (or that ended) is not moved. */
    private void move(Viewer system, Deployment deployment, int attempt, Deployment.Status status) {
        boolean moved = transactions.write(system, () -> {
            if (!rows.statusOfAttempt(system.teamId(), deployment.id(), attempt, status, null)) return false;
            changes.publishEvent(new DeploymentChanged(system.teamId(), deployment.projectId(), deployment.applicationId(), deployment.id(), status));
            return true;
        });
        if (!moved) throw new Deployer.Failure("another node runs this deployment now, or it has ended");
    }

    /**
     * A run that failed outside the Deployer: ended FAILED by this attempt (unless another took it over or it ended),
     * the application's status set and its queue handed on. True when done; false when even that failed (the job is
     * tried again: a revived run takes the deployment over).
     */
    private boolean abandon(Viewer system, Deployment deployment, int attempt) {
        try {
            transactions.write(system, () -> {
                deploymentQueue.lock(system.teamId(), deployment.applicationId());
                var reason = "the run failed unexpectedly; see Berth's log";
                if (rows.statusOfAttempt(system.teamId(), deployment.id(), attempt, Deployment.Status.FAILED, reason)) {
                    changes.publishEvent(new DeploymentChanged(system.teamId(), deployment.projectId(), deployment.applicationId(), deployment.id(),
                            Deployment.Status.FAILED));
                    ended.publishEvent(new LogEnded(system.teamId(), deployment.id(), rows.lastSeq(system.teamId(), deployment.id())));
                    if (deploymentQueue.handOn(system.teamId(), deployment.applicationId()).isEmpty()) {
                        applications.status(system, deployment.applicationId(),
                                previouslyServing(system, deployment) ? Application.Status.RUNNING : Application.Status.FAILED);
                    }
                } else {
                    deploymentQueue.handOn(system.teamId(), deployment.applicationId());
                }
                return null;
            });
            makeRoom(system, deployment);
            return true;
        } catch (RuntimeException e) {
            LOG.error("event=deploy-abandon-failed deployment={} error={}", deployment.id(), e.getClass().getSimpleName());
            return false;
        }
    }

    /** Ends the deployment, sets the application's status and hands the application's queue on: one transaction. */
    private void finish(Viewer system, Deployment deployment, int attempt, Deployer.Outcome outcome, long lastSeq) {
        boolean ours = transactions.write(system, () -> {
            deploymentQueue.lock(system.teamId(), deployment.applicationId()); // before the status: a cancel or deploy waits
            if (!rows.statusOfAttempt(system.teamId(), deployment.id(), attempt, outcome.status(), outcome.reason())) {
                deploymentQueue.handOn(system.teamId(), deployment.applicationId());
                return false; // another node took it over (or it ended): its outcome is that node's to write
            }
            changes.publishEvent(new DeploymentChanged(system.teamId(), deployment.projectId(), deployment.applicationId(), deployment.id(), outcome.status()));
            var waiting = deploymentQueue.handOn(system.teamId(), deployment.applicationId());
            if (waiting.isEmpty()) {
                applications.status(system, deployment.applicationId(), switch (outcome.status()) {
                    case SUCCEEDED -> Application.Status.RUNNING;
                    case FAILED -> previouslyServing(system, deployment) ? Application.Status.RUNNING : Application.Status.FAILED;
                    default -> previouslyServing(system, deployment) ? Application.Status.RUNNING : Application.Status.NOT_DEPLOYED;
                });
            }
            return true;
        });
        if (ours) makeRoom(system, deployment);
        if (!ours) {
            LOG.warn("event=deployment-outcome-fenced deployment={} attempt={} status={}", deployment.id(), attempt, outcome.status());
            return;
        }
        bus.publish(DeploymentLogs.channel(system.teamId(), deployment.id()), new LogBatch(deployment.id(), java.util.List.of(), lastSeq));
        LOG.info("event=deployment-finished deployment={} status={}", deployment.id(), outcome.status());
    }

    private boolean previouslyServing(Viewer system, Deployment deployment) {
        return rows.latestSucceeded(system.teamId(), deployment.applicationId()).isPresent();
    }
}
