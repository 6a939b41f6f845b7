package dev.berth.deployment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.ProjectScope;
import dev.berth.api.Viewer;
import dev.berth.application.Application;
import dev.berth.application.ApplicationService;
import dev.berth.application.EnvironmentVariable;
import dev.berth.application.VariableService;
import dev.berth.errors.ConflictException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.events.EventBus;
import dev.berth.jobs.JobQueue;
import dev.berth.storage.Ids;
import dev.berth.storage.InTeam;
import dev.berth.storage.JsonColumn;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;

/** Deployments of the viewer's team: queue, cancel, roll back, plan, read, follow. */
@Singleton
public class DeploymentService {
    private final DeploymentRows rows;
    private final ApplicationService applications;
    private final VariableService variables;
    private final JobQueue queue;
    private final SealedEnvironments environments;
    private final ObjectMapper json;
    private final EventBus bus;
    private final DeploymentLogs logs;
    private final ApplicationEventPublisher<DeploymentChanged> changes;
    private final DeploymentsProperties properties;
    private final DeploymentQueue deploymentQueue;
    private final ApplicationEventPublisher<LogEnded> ended;

    private final dev.berth.server.ServerService servers;
    private final dev.berth.database.DatabaseLinks links;

    private final dev.berth.proxy.ProxyService proxies;

    DeploymentService(DeploymentsProperties properties, DeploymentRows rows, ApplicationService applications, VariableService variables, JobQueue queue, SealedEnvironments environments,
                      ObjectMapper json, EventBus bus, DeploymentLogs logs, ApplicationEventPublisher<DeploymentChanged> changes,
                      DeploymentQueue deploymentQueue, ApplicationEventPublisher<LogEnded> ended, dev.berth.server.ServerService servers,
                      dev.berth.database.DatabaseLinks links, dev.berth.proxy.ProxyService proxies) {
        this.proxies = proxies;
        this.links = links;
        this.servers = servers;
        this.deploymentQueue = deploymentQueue;
        this.ended = ended;
        this.properties = properties;
        this.rows = rows;
        this.applications = applications;
        this.variables = variables;
        this.queue = queue;
        this.environments = environments;
        this.json = json;
        this.bus = bus;
        this.logs = logs;
        this.changes = changes;
    }

    /** What deployApplication and planDeployment work from: the application now, with its environment. */
    private record Next(Application application, Snapshot snapshot, Snapshot.Environment environment, List<Deployment.ConfigurationChange> diff) {}

    private Next next(Viewer viewer, Application application) {
        var effective = variables.effective(viewer, application);
        var values = new LinkedHashMap<String, String>();
        effective.forEach(v -> values.put(v.key(), v.plain()));
        // linked databases' URLs, resolved now (password included): secrets, never build arguments, over a variable of the same key
        var linked = links.environment(viewer, application);
        linked.forEach((key, url) -> values.put(key, url.value()));
        var secret = effective.stream().filter(EnvironmentVariable::secret).map(EnvironmentVariable::key).collect(Collectors.toCollection(java.util.HashSet::new));
        secret.addAll(linked.keySet());
        var environment = new Snapshot.Environment(values, Set.copyOf(secret),
                effective.stream().filter(v -> v.buildTime() && !linked.containsKey(v.key())).map(EnvironmentVariable::key).collect(Collectors.toSet()),
                effective.stream().filter(v -> v.scope() == EnvironmentVariable.Scope.TEAM && !linked.containsKey(v.key())).map(EnvironmentVariable::key)
                        .collect(Collectors.toSet()));
        var snapshot = new Snapshot(application.name(), application.source(), application.settings(), List.copyOf(values.keySet()),
                environment.secret(), null);
        var previous = rows.latestSucceeded(viewer.teamId(), application.id()).orElse(null);
        var diff = ConfigurationDiff.between(json, previous == null ? null : previous.snapshot(),
                previous == null ? null : environmentOf(previous.id(), rows.environmentSealed(viewer.teamId(), previous.id())), snapshot, environment);
        return new Next(application, snapshot, environment, diff);
    }

    @InTeam
    public Deployment deploy(Viewer viewer, UUID applicationId, @Nullable String commit) {
        if (commit != null && !commit.matches("[0-9a-f]{7,64}")) throw new InvalidInputException("input.commit", "a commit id: 7 to 64 lowercase hex digits");
        var next = next(viewer, applications.get(viewer, applicationId));
        return enqueue(viewer, next.application(), next.snapshot(), next.environment(), next.diff(), commit, null);
    }

    /** Queues a redeploy of an earlier successful deployment's image and environment: no build, no registry. */
    @InTeam
    public Deployment rollback(Viewer viewer, UUID deploymentId) {
        var earlier = load(viewer, deploymentId);
        if (earlier.status() != Deployment.Status.SUCCEEDED || earlier.image() == null) {
            throw new ConflictException("Only a deployment that succeeded can be rolled back to.");
        }
        deploymentQueue.lock(viewer.teamId(), earlier.applicationId()); // the row before the ports, as updateApplication does
        var application = applications.get(viewer, earlier.applicationId()); // as it is now that it is ours
        var environment = environmentOf(earlier.id(), rows.environmentSealed(viewer.teamId(), earlier.id()));
        var current = next(viewer, application);
        var snapshot = earlier.snapshot().withImage(earlier.image());
        applications.mayRunWith(viewer, application, snapshot.settings()); // its network and ports, as things are now
        var diff = ConfigurationDiff.between(json, current.snapshot(), current.environment(), snapshot, environment);
        return enqueue(viewer, application, snapshot, environment, diff, earlier.commit(), earlier.id());
    }

    private Deployment enqueue(Viewer viewer, Application application, Snapshot snapshot, Snapshot.Environment environment,
                               List<Deployment.ConfigurationChange> diff, @Nullable String commit, @Nullable UUID rollbackOf) {
        int number = rows.nextNumber(viewer.teamId(), application.id()); // under the application's lock from here
        applications.get(viewer, application.id()); // deleted while this waited for the lock: NOT_FOUND, nothing queued
        var deployment = new Deployment(Ids.next(), viewer.teamId(), application.projectId(), application.id(), application.serverId(), number,
                Deployment.Status.QUEUED, null, commit, snapshot.image(), JsonColumn.parsed(snapshot), JsonColumn.parsed(diff), rollbackOf, false, 0, null, Instant.now(), null, null);
        rows.insert(deployment, environments.seal(deployment.id(), environment));
        deploymentQueue.handOn(viewer.teamId(), application.id());
        applications.status(viewer, application.id(), Application.Status.DEPLOYING);
        changes.publishEvent(new DeploymentChanged(viewer.teamId(), application.projectId(), application.id(), deployment.id(), Deployment.Status.QUEUED));
        return load(viewer, deployment.id());
    }

    /** A queued deployment ends CANCELLED at once; a running one is told to stop (its run removes what it made). */
    @InTeam
    public Deployment cancel(Viewer viewer, UUID id) {
        deploymentQueue.lock(viewer.teamId(), load(viewer, id).applicationId());
        var deployment = load(viewer, id); // as it is now that the queue is ours
        if (deployment.status().terminal()) throw new ConflictException("The deployment has already ended (" + deployment.status() + ").");
        if (!takenBack(deployment)) {
            rows.requestCancel(viewer.teamId(), id); // the run reads it within half a second
            return load(viewer, id);
        }
        rows.status(viewer.teamId(), id, Deployment.Status.CANCELLED, "cancelled before it started");
        ended.publishEvent(new LogEnded(viewer.teamId(), id, rows.lastSeq(viewer.teamId(), id))); // no run will end its log
        changes.publishEvent(new DeploymentChanged(viewer.teamId(), deployment.projectId(), deployment.applicationId(), id, Deployment.Status.CANCELLED));
        // the cancelled one may have been the head of the queue: the new head needs its job (queued once, at most)
        var waiting = deploymentQueue.handOn(viewer.teamId(), deployment.applicationId());
        if (waiting.isEmpty()) {
            applications.status(viewer, deployment.applicationId(),
                    rows.latestSucceeded(viewer.teamId(), deployment.applicationId()).isPresent() ? Application.Status.RUNNING : Application.Status.NOT_DEPLOYED);
        }
        return load(viewer, id);
    }

    /**
     * A deleted application's deployments end with it: queued ones are cancelled at once, running ones are told to
     * stop (in the deleting transaction; the teardown job then removes the containers and the rows).
     */
    @io.micronaut.runtime.event.annotation.EventListener
    void onApplicationChanged(dev.berth.application.ApplicationChanged changed) {
        if (changed.kind() != dev.berth.application.ApplicationChanged.Kind.DELETED) return;
        deploymentQueue.lock(changed.teamId(), changed.applicationId());
        for (var active : rows.active(changed.teamId(), changed.applicationId())) {
            if (takenBack(active)) {
                rows.status(changed.teamId(), active.id(), Deployment.Status.CANCELLED, "the application was deleted");
                ended.publishEvent(new LogEnded(changed.teamId(), active.id(), rows.lastSeq(changed.teamId(), active.id())));
            } else {
                rows.requestCancel(changed.teamId(), active.id());
            }
        }
    }

    /**
     * True when a queued deployment was taken back before any node started it: its job was still waiting (now
     * removed), or it never had one (it waits behind another). False when a node runs it: that run must be told.
     */
    private boolean takenBack(Deployment deployment) {
        if (deployment.status() != Deployment.Status.QUEUED) return false;
        var instance = JobQueue.instance(deployment.teamId(), deployment.id());
        return queue.dequeue(DeployJob.TASK, instance) || !queue.exists(DeployJob.TASK, instance);
    }

    /**
     * What planDeployment needs from PostgreSQL, read in one short transaction: the run's inputs but the previous
     * containers (the server is asked for those, outside any transaction: {@link DeploymentPlans}), the containers
     * Berth last recorded (what the plan shows when the server cannot be asked), and what would change.
     */
    @InTeam(readOnly = true)
    public PlanInputs planInputs(Viewer viewer, UUID applicationId) {
        var application = applications.get(viewer, applicationId);
        var next = next(viewer, application);
        var recorded = rows.latestSucceeded(viewer.teamId(), applicationId)
                .filter(d -> d.containerId() != null && d.serverId().equals(application.serverId())) // a move starts afresh
                .map(d -> List.of(new dev.berth.execution.Containers.Container(d.containerId(),
                        DeploymentPlanner.containerName(d.snapshot().name(), d.number(), d.id()), Map.of(), true, d.image() == null ? "" : d.image())))
                .orElse(List.of());
        var network = servers.network(servers.server(viewer, application.serverId()), next.snapshot().settings().networkMode());
        // the port a run behind the proxy listens on is allocated when it runs: the plan says $PORT (0 here)
        var proxied = proxies.routed(viewer, applicationId, application.serverId()) ? new DeploymentPlanner.Proxied("host".equals(network) ? 0 : null, proxies.drain()) : null;
        var input = new DeploymentPlanner.Input(viewer.teamId(), applicationId, PLANNED, rows.peekNextNumber(viewer.teamId(), applicationId),
                next.snapshot(), next.environment(), List.of(), network, null, properties.keepImages(), properties.settle(), proxied);
        return new PlanInputs(input, application.serverId(), recorded, next.diff().stream().map(change -> change.shownTo(viewer)).toList());
    }

    /** The id a planned deployment stands in for; its id part of a container name reads {@code <deployment id>}. */
    static final UUID PLANNED = new UUID(0, 0);

    /** See {@link #planInputs}. */
    public record PlanInputs(DeploymentPlanner.Input input, UUID serverId, List<dev.berth.execution.Containers.Container> recorded,
                             List<Deployment.ConfigurationChange> configurationDiff) {
        /** The plan with these previous containers, as the run would compute it; {@code note} first when given. */
        Plan plan(List<dev.berth.execution.Containers.Container> previous, @io.micronaut.core.annotation.Nullable String note) {
            var plan = DeploymentPlanner.plan(input.withPrevious(previous));
            var unknownId = PLANNED.toString().substring(24); // the new deployment's id is known once it is queued
            var steps = new java.util.ArrayList<String>();
            if (note != null) steps.add(note);
            DeploymentPlanner.describe(plan).forEach(step -> steps.add(step.replace("-" + unknownId, "-<deployment id>")));
            return new Plan(steps, configurationDiff);
        }
    }

    /** The answer of planDeployment. */
    public record Plan(List<String> steps, List<Deployment.ConfigurationChange> configurationDiff) {}

    @InTeam(readOnly = true)
    public Deployment get(Viewer viewer, UUID id) {
        return load(viewer, id);
    }

    private Deployment load(Viewer viewer, UUID id) {
        return ProjectScope.visible(viewer, rows.byId(viewer.teamId(), id)).orElseThrow(() -> new NotFoundException("Deployment", id));
    }

    /** Newest first; {@code beforeNumber} continues a page. */
    @InTeam(readOnly = true)
    public List<Deployment> pageOf(Viewer viewer, UUID applicationId, int beforeNumber, int limit) {
        applications.get(viewer, applicationId);
        return rows.pageOf(viewer.teamId(), applicationId, beforeNumber, limit);
    }

    /** A page of each application's deployments (newest first), in one statement for any number of applications. */
    @InTeam(readOnly = true)
    public java.util.Map<UUID, List<Deployment>> pagesOf(Viewer viewer, java.util.Collection<UUID> applicationIds, int beforeNumber, int limit) {
        var byApplication = new java.util.HashMap<UUID, List<Deployment>>();
        applicationIds.forEach(id -> byApplication.put(id, new java.util.ArrayList<>()));
        for (var deployment : rows.pagesOf(viewer.teamId(), applicationIds, beforeNumber, limit)) {
            if (!viewer.excludes(deployment.projectId())) byApplication.get(deployment.applicationId()).add(deployment);
        }
        return byApplication;
    }

    /** The queue position of a waiting deployment (0 = next to run), or null when it is not waiting. */
    @InTeam(readOnly = true)
    public Integer queuePosition(Viewer viewer, Deployment deployment) {
        if (deployment.status() != Deployment.Status.QUEUED) return null;
        var active = rows.active(viewer.teamId(), deployment.applicationId());
        var ids = active.stream().map(Deployment::id).toList();
        return ids.indexOf(deployment.id());
    }

    @InTeam(readOnly = true)
    public List<LogLine> logs(Viewer viewer, UUID deploymentId, long afterSeq, int limit) {
        load(viewer, deploymentId);
        return rows.logs(viewer.teamId(), deploymentId, afterSeq, limit);
    }

    /** Follows the log of a deployment the viewer may see (NOT_FOUND otherwise, before anything is subscribed). */
    public Flux<LogLine> follow(Viewer viewer, UUID deploymentId, long afterSeq) {
        var deployment = get(viewer, deploymentId);
        return logs.follow(viewer, deployment, afterSeq);
    }

    /** Checks the application is the viewer's before its deployments are followed. */
    public void checkApplication(Viewer viewer, UUID applicationId) {
        applications.get(viewer, applicationId);
    }

    private Snapshot.Environment environmentOf(UUID deploymentId, String sealed) {
        return environments.open(deploymentId, sealed);
    }
}
