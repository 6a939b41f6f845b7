package dev.berth.application;

import dev.berth.api.ProjectScope;
import dev.berth.api.Viewer;
import dev.berth.errors.NotFoundException;
import dev.berth.jobs.JobQueue;
import dev.berth.project.ProjectService;
import dev.berth.project.ResourceName;
import dev.berth.server.ServerService;
import dev.berth.storage.Ids;
import dev.berth.storage.InTeam;
import dev.berth.storage.UniqueViolation;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Applications of the viewer's team. Ids nested in inputs (environment, server, deploy key) are team-scoped too. */
@Singleton
public class ApplicationService {
    private final ApplicationRows rows;
    private final ProjectService projects;
    private final ServerService servers;
    private final ApplicationEventPublisher<ApplicationChanged> changes;
    private final JobQueue jobs;
    private final dev.berth.registry.RegistryService registries;

    ApplicationService(ApplicationRows rows, ProjectService projects, ServerService servers,
                       ApplicationEventPublisher<ApplicationChanged> changes, JobQueue jobs, dev.berth.registry.RegistryService registries) {
        this.registries = registries;
        this.rows = rows;
        this.projects = projects;
        this.servers = servers;
        this.changes = changes;
        this.jobs = jobs;
    }

    @InTeam(readOnly = true)
    public Application get(Viewer viewer, UUID id) {
        return load(viewer, id);
    }

    /** An application with its own variables (as shown) and a read-ahead part's rows, read by {@link #getWith}. */
    public record WithRows<T>(Application application, List<EnvironmentVariable> variables, List<T> related) {}

    /**
     * {@link #get}, with the application's own variables when {@code variables} and {@code part}'s rows when given, in
     * one statement; not found alike.
     */
    @InTeam(readOnly = true)
    public <T> WithRows<T> getWith(Viewer viewer, UUID id, boolean variables, @io.micronaut.core.annotation.Nullable ApplicationReadAhead.Part<T> part) {
        var read = rows.byIdWith(viewer.teamId(), id, variables, part);
        var application = ProjectScope.visible(viewer, read.map(ApplicationRows.Read::application)).orElseThrow(() -> new NotFoundException("Application", id));
        return new WithRows<>(application, read.get().variables().stream().map(VariableService::shown).toList(), read.get().related());
    }

    /** Inside a transaction whose tenancy the public method already entered. */
    Application load(Viewer viewer, UUID id) {
        return ProjectScope.visible(viewer, rows.byId(viewer.teamId(), id)).orElseThrow(() -> new NotFoundException("Application", id));
    }

    @InTeam(readOnly = true)
    public Map<UUID, Application> byIds(Viewer viewer, Collection<UUID> ids) {
        return rows.byIds(viewer.teamId(), ids).stream().filter(a -> !viewer.excludes(a.projectId()))
                .collect(Collectors.toMap(Application::id, a -> a));
    }

    /** A page of each environment's applications, in one statement for any number of environments. */
    @InTeam(readOnly = true)
    public Map<UUID, List<Application>> pagesOf(Viewer viewer, Collection<UUID> environmentIds, UUID after, int limit) {
        var byEnvironment = new HashMap<UUID, List<Application>>();
        environmentIds.forEach(id -> byEnvironment.put(id, new java.util.ArrayList<>()));
        for (var application : rows.pageOf(viewer.teamId(), environmentIds, after, limit)) {
            if (!viewer.excludes(application.projectId())) byEnvironment.get(application.environmentId()).add(application);
        }
        return byEnvironment;
    }

    @InTeam
    public Application create(Viewer viewer, ApplicationInputs.NewApplication input) {
        var environment = projects.environment(viewer, input.environmentId());
        var server = servers.server(viewer, input.serverId());
        var name = input.name();
        var source = checked(viewer, input.source());
        var settings = input.settings().applyTo(ApplicationSettings.defaults());
        var application = new Application(Ids.next(), viewer.teamId(), environment.projectId(), environment.id(), server.id(),
                name.value(), source, settings, Application.Status.NOT_DEPLOYED);
        mayChoose(viewer, server, settings.networkMode());
        portsFree(viewer, application, Map.of());
        UniqueViolation.orConflict(() -> {
            rows.insert(application);
            return null;
        }, taken(name.value()));
        publish(ApplicationChanged.Kind.CREATED, application);
        return load(viewer, application.id());
    }

    @InTeam
    public Application update(Viewer viewer, ApplicationInputs.ApplicationChange input) {
        var id = input.id();
        rows.lock(viewer.teamId(), id); // the pin a running clone learns is not overwritten by this change's older copy
        var current = load(viewer, id);
        var name = input.name() == null ? current.name() : input.name().value();
        var serverId = input.serverId() == null ? current.serverId() : servers.server(viewer, input.serverId()).id();
        var source = input.source() == null ? current.source() : checked(viewer, input.source());
        if (source instanceof ApplicationSource.Git git) source = git.keepingPinOf(current.source()); // same repository: same host key
        var changed = current.with(name, serverId, source, input.settings().applyTo(current.settings()));
        if (changed.settings().networkMode() != current.settings().networkMode() || !serverId.equals(current.serverId())) {
            mayChoose(viewer, servers.server(viewer, serverId), changed.settings().networkMode());
        }
        // only the ports this change adds are checked: a clash from before (a network change) does not block a rename
        portsFree(viewer, changed, changed.serverId().equals(current.serverId())
                ? HostPorts.stored(current.settings(), onHostNetwork(viewer, current.serverId(), current.settings())) : Map.of());
        UniqueViolation.orConflict(() -> {
            rows.save(changed);
            return null;
        }, taken(name));
        publish(ApplicationChanged.Kind.UPDATED, changed);
        return load(viewer, id);
    }

    /**
     * Refuses a port of the server that another live application on it already holds, by its settings or by what its
     * deployments run or will run (CONFLICT naming it, with the field), under the server's lock so that two changes
     * racing for one port cannot both pass.
     */
    private void portsFree(Viewer viewer, Application application, Map<Integer, String> heldBefore) {
        // the lock first, always: a change of the server's network takes it too, and must see this change or be seen by it
        rows.lockPortsOf(application.serverId());
        var server = servers.server(viewer, application.serverId());
        var wanted = new java.util.LinkedHashMap<>(HostPorts.held(application.settings(), onHostNetwork(server, application.settings())));
        wanted.keySet().removeAll(heldBefore.keySet());
        if (wanted.isEmpty()) return;
        var others = new java.util.LinkedHashMap<String, ApplicationSettings>();
        for (var other : rows.onServer(viewer.teamId(), application.serverId())) {
            if (!other.id().equals(application.id())) others.put(other.name(), other.settings());
        }
        // and what their containers bind now or will: a port stays held until the deployment that binds it is replaced
        others.putAll(rows.deployedOn(viewer.teamId(), application.serverId(), application.id()));
        HostPorts.refuseClashes(wanted, others, settings -> onHostNetwork(server, settings));
    }

    /**
     * Whether a rollback may run {@code application} again with an earlier deployment's settings: a network it may choose
     * and ports nobody else on its server holds now (CONFLICT naming the holder).
     */
    @InTeam
    public void mayRunWith(Viewer viewer, Application application, ApplicationSettings settings) {
        var server = servers.server(viewer, application.serverId());
        if (settings.networkMode() != application.settings().networkMode()) mayChoose(viewer, server, settings.networkMode());
        try {
            portsFree(viewer, application.with(application.name(), application.serverId(), application.source(), settings),
                    HostPorts.stored(application.settings(), onHostNetwork(server, application.settings())));
        } catch (dev.berth.errors.InvalidInputException e) {
            throw new dev.berth.errors.ConflictException("The deployment's settings cannot run on the server's network now: " + e.getMessage());
        }
    }

    /**
     * HOST puts a container beside everything that listens on its server's loopback, and on the Berth host itself that is
     * Berth's own PostgreSQL and Dragonfly: a team admin chooses it, and on the Berth host only the instance admin.
     */
    private static void mayChoose(Viewer viewer, dev.berth.server.Server server, @io.micronaut.core.annotation.Nullable dev.berth.server.NetworkMode mode) {
        if (mode != dev.berth.server.NetworkMode.HOST) return;
        if (viewer.role() == null || !viewer.role().atLeast(dev.berth.api.Role.ADMIN) || !viewer.scopes().contains(dev.berth.api.Scope.ADMIN)) {
            throw new dev.berth.errors.ForbiddenException("Only a team admin (a token with the admin scope) can put an application on the host network; "
                    + "leave networkMode out to follow the server's.");
        }
        if (server.local() && !viewer.instanceAdmin()) {
            throw new dev.berth.errors.ForbiddenException("Only the instance administrator can put an application on the Berth host's own network.");
        }
    }

    /** A server's network changing: the applications following it refuse when two of them would then hold one port. */
    @io.micronaut.runtime.event.annotation.EventListener
    void onServerNetworkChanging(dev.berth.server.ServerNetworkChanging changing) {
        var server = changing.after();
        var before = changing.before();
        rows.lockPortsOf(server.id());
        var applications = new java.util.LinkedHashMap<String, ApplicationSettings>();
        rows.onServer(server.teamId(), server.id()).forEach(a -> applications.put(a.name(), a.settings()));
        HostPorts.refuseNewClashes(applications, settings -> onHostNetwork(before, settings), settings -> onHostNetwork(server, settings),
                "input.networkMode");
    }

    /** Whether the application's containers use the server's network, where every container port is a server port. */
    private boolean onHostNetwork(dev.berth.server.Server server, ApplicationSettings settings) {
        return "host".equals(servers.network(server, settings.networkMode()));
    }

    private boolean onHostNetwork(Viewer viewer, UUID serverId, ApplicationSettings settings) {
        return onHostNetwork(servers.server(viewer, serverId), settings);
    }

    /** Hides the application at once and queues the job that removes its containers and then its rows. */
    @InTeam
    public UUID delete(Viewer viewer, UUID id) {
        var application = load(viewer, id);
        rows.markDeleted(viewer.teamId(), id);
        jobs.enqueue(ApplicationTeardown.TASK, JobQueue.instance(viewer.teamId(), id), Instant.now());
        publish(ApplicationChanged.Kind.DELETED, application);
        return id;
    }

    /** The git host key pinned for {@code repository} on the application, or null (none yet, or another repository now). */
    @InTeam(readOnly = true)
    public @io.micronaut.core.annotation.Nullable String gitHostKey(Viewer viewer, UUID id, String repository) {
        return load(viewer, id).source() instanceof ApplicationSource.Git git && git.repository().equals(repository) ? git.hostKey() : null;
    }

    /** Pins the key a first clone met, unless the application has one already or names another repository now. */
    @InTeam
    public void pinGitHostKey(Viewer viewer, UUID id, String repository, GitHostKey key) {
        rows.pinGitHostKey(viewer.teamId(), id, repository, key.value());
    }

    /**
     * Deleting a project or an environment deletes what it holds: each application whose environment is gone is
     * deleted as deleteApplication would (hidden at once, its deployments ended, its containers removed by a job, then
     * its rows), in the deleting transaction. Named volumes stay on the server.
     */
    @io.micronaut.runtime.event.annotation.EventListener
    void onProjectChanged(dev.berth.project.ProjectChanged changed) {
        if (changed.kind() == dev.berth.project.ProjectChanged.Kind.CREATED) return;
        for (var id : rows.orphanedIn(changed.teamId(), changed.projectId())) {
            var application = rows.anyById(changed.teamId(), id).orElseThrow();
            rows.markDeleted(changed.teamId(), id);
            jobs.enqueue(ApplicationTeardown.TASK, JobQueue.instance(changed.teamId(), id), Instant.now());
            publish(ApplicationChanged.Kind.DELETED, application);
        }
    }

    /** A deploy key still named by an application is not deleted: CONFLICT naming the applications. */
    @io.micronaut.runtime.event.annotation.EventListener
    void onKeyDeleting(dev.berth.server.PrivateKeyDeleting deleting) {
        var using = rows.namesUsing(deleting.teamId(), "deployKeyId", deleting.keyId());
        if (!using.isEmpty()) {
            throw new dev.berth.errors.ConflictException("The key is the deploy key of " + String.join(", ", using) + "; change their source first.");
        }
    }

    /** Registry credentials an application still pulls with are not deleted: CONFLICT naming the applications. */
    @io.micronaut.runtime.event.annotation.EventListener
    void onRegistryDeleting(dev.berth.registry.RegistryDeleting deleting) {
        var using = rows.namesUsing(deleting.teamId(), "registryId", deleting.registryId());
        if (!using.isEmpty()) {
            throw new dev.berth.errors.ConflictException("Applications pull with these credentials: " + String.join(", ", using) + "; change their source first.");
        }
    }

    /** Sets the status an application shows (by deployments and start/stop); in the caller's transaction. */
    /** Sets the status; a change is an {@code applicationEvents} UPDATED (after the transaction commits). */
    public void status(Viewer viewer, UUID id, Application.Status status) {
        rows.status(viewer.teamId(), id, status).ifPresent(project ->
                changes.publishEvent(new ApplicationChanged(ApplicationChanged.Kind.UPDATED, viewer.teamId(), project, id, Instant.now())));
    }

    /** See {@link ApplicationRows#observed}: true when the application's row changed. */
    public boolean observed(Viewer viewer, UUID id, Application.Status seen, UUID deploymentId, Application.Status status, ContainerState container) {
        return rows.observed(viewer.teamId(), id, seen, deploymentId, status, container);
    }

    /** An application whose status follows its current container, and the server that runs it. */
    public record Watched(UUID id, UUID serverId) {}

    /** The team's applications whose status follows their container, with their servers. */
    public List<Watched> watched(Viewer viewer) {
        return rows.watched(viewer.teamId());
    }

    /** The source, once the ids it names are the team's own (NOT_FOUND otherwise, like any other id). */
    private ApplicationSource checked(Viewer viewer, ApplicationSource source) {
        if (source instanceof ApplicationSource.Git git && git.deployKeyId() != null) {
            var key = servers.keysByIds(viewer, List.of(git.deployKeyId())).get(git.deployKeyId());
            if (key == null) throw new NotFoundException("PrivateKey", git.deployKeyId());
            if (key.purpose() != dev.berth.server.PrivateKey.Purpose.DEPLOY) {
                throw new dev.berth.errors.InvalidInputException("input.source.git.deployKeyId",
                        "not a deploy key: a server's key never goes to a server; an owner or admin makes one with purpose DEPLOY");
            }
        }
        if (source instanceof ApplicationSource.Image image && image.registryId() != null) {
            var registry = registries.get(viewer, image.registryId());
            if (!image.ref().pulledFrom(registry.host())) {
                throw new dev.berth.errors.InvalidInputException("input.source.image.registryId", "the registry's credentials are for " + registry.host()
                        + " but the image is pulled from " + image.ref().registryHost() + ": credentials go only to their own registry");
            }
        }
        return source;
    }

    private void publish(ApplicationChanged.Kind kind, Application application) {
        changes.publishEvent(new ApplicationChanged(kind, application.teamId(), application.projectId(), application.id(), Instant.now()));
    }

    private static String taken(String name) {
        return "An application named '" + name + "' already exists in this environment.";
    }
}
