package dev.berth.database;

import dev.berth.api.ProjectScope;
import dev.berth.api.Viewer;
import dev.berth.errors.ConflictException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.jobs.JobQueue;
import dev.berth.project.ProjectService;
import dev.berth.project.ResourceName;
import dev.berth.secrets.Secret;
import dev.berth.secrets.SecretBox;
import dev.berth.server.NetworkMode;
import dev.berth.server.Server;
import dev.berth.server.ServerService;
import dev.berth.storage.Ids;
import dev.berth.storage.InTeam;
import dev.berth.storage.UniqueViolation;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Standalone databases of the viewer's team. A change is recorded with what the database should be doing; a job
 * ({@link DatabaseJob}) makes its container so on the server and records what it saw. Passwords are generated,
 * sealed and write-only; {@link #reveal} is the one way out.
 */
@Singleton
public class DatabaseService {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 32; // about 186 bits

    private final DatabaseRows rows;
    private final ProjectService projects;
    private final ServerService servers;
    private final SecretBox box;
    private final JobQueue jobs;
    private final ApplicationEventPublisher<DatabaseChanged> changes;
    private final SecureRandom random = new SecureRandom();

    DatabaseService(DatabaseRows rows, ProjectService projects, ServerService servers, SecretBox box, JobQueue jobs,
                    ApplicationEventPublisher<DatabaseChanged> changes) {
        this.rows = rows;
        this.projects = projects;
        this.servers = servers;
        this.box = box;
        this.jobs = jobs;
        this.changes = changes;
    }

    /** createDatabase's input, validated at the edge. */
    public record NewDatabase(UUID environmentId, UUID serverId, ResourceName name, EngineKind engine, @Nullable String image,
                              @Nullable Integer publicPort, @Nullable Double cpuLimit, @Nullable Integer memoryLimitMiB,
                              @Nullable Secret password) {}

    /** updateDatabase's input: null leaves a value as it is. */
    public record DatabaseChange(UUID id, @Nullable ResourceName name, @Nullable String image, @Nullable Double cpuLimit,
                                 @Nullable Integer memoryLimitMiB) {}

    /** What revealDatabaseCredentials answers. */
    public record Revealed(Database database, String username, Secret password, @Nullable String databaseName, String internalUrl) {}

    @InTeam
    public Database create(Viewer viewer, NewDatabase input) {
        var environment = projects.environment(viewer, input.environmentId());
        var server = servers.server(viewer, input.serverId());
        var engine = Engine.of(input.engine());
        var id = Ids.next();
        var password = input.password() != null ? input.password() : new Secret(generatePassword());
        var now = Instant.now();
        var database = new Database(id, viewer.teamId(), environment.projectId(), environment.id(), server.id(), input.name().value(),
                input.engine(), input.image() == null ? engine.defaultImage() : input.image(), engine.defaultUsername(),
                engine.namesDatabases() ? input.name().value().replace('-', '_') : null, box.seal(password, "databases:" + id),
                input.publicPort(), input.cpuLimit(), input.memoryLimitMiB(), Database.Desired.RUNNING, Database.Status.STARTING, null, now, now);
        rows.lockPortsOf(server.id());
        portsFree(viewer, server, database, "input.publicPort");
        UniqueViolation.orConflict(() -> {
            rows.insert(database);
            return null;
        }, "A database named '" + database.name() + "' already exists in this environment, or its port is taken on the server.");
        converge(database);
        publish(DatabaseChanged.Kind.CREATED, database);
        return database;
    }

    @InTeam(readOnly = true)
    public Database get(Viewer viewer, UUID id) {
        return load(viewer, id);
    }

    private Database load(Viewer viewer, UUID id) {
        return ProjectScope.visible(viewer, rows.byId(viewer.teamId(), id)).orElseThrow(() -> new NotFoundException("Database", id));
    }

    @InTeam(readOnly = true)
    public List<Database> inEnvironment(Viewer viewer, UUID environmentId) {
        return rows.inEnvironment(viewer.teamId(), environmentId).stream().filter(d -> !viewer.excludes(d.projectId())).toList();
    }

    @InTeam
    public Database update(Viewer viewer, DatabaseChange change) {
        rows.lock(viewer.teamId(), change.id());
        var current = load(viewer, change.id());
        boolean recreate = (change.image() != null && !change.image().equals(current.image()))
                || (change.cpuLimit() != null && !change.cpuLimit().equals(current.cpuLimit()))
                || (change.memoryLimitMiB() != null && !change.memoryLimitMiB().equals(current.memoryLimitMiB()));
        var changed = current.with(change.name() == null ? current.name() : change.name().value(),
                change.image() == null ? current.image() : change.image(), current.publicPort(),
                change.cpuLimit() == null ? current.cpuLimit() : change.cpuLimit(),
                change.memoryLimitMiB() == null ? current.memoryLimitMiB() : change.memoryLimitMiB(),
                current.desired(), recreate && current.desired() == Database.Desired.RUNNING ? Database.Status.STARTING : current.status(),
                recreate ? null : current.statusDetail());
        save(changed);
        converge(changed);
        publish(DatabaseChanged.Kind.UPDATED, changed);
        return changed;
    }

    /** Deletes the database: its container goes by a job, its volume too when {@code removeVolume}, else it stays. */
    @InTeam
    public UUID delete(Viewer viewer, UUID id, boolean removeVolume) {
        rows.lock(viewer.teamId(), id);
        var database = load(viewer, id);
        rows.markDeleted(viewer.teamId(), id, removeVolume);
        converge(database);
        publish(DatabaseChanged.Kind.DELETED, database.withWish(database.desired(), Database.Status.DELETING));
        return id;
    }

    /** Start or stop: what it should be doing; the job makes it so (starting a running database changes nothing). */
    @InTeam
    public Database wish(Viewer viewer, UUID id, Database.Desired desired) {
        rows.lock(viewer.teamId(), id);
        var current = load(viewer, id);
        if (current.desired() == desired && current.status() != Database.Status.FAILED) return current;
        return changed(current.withWish(desired, desired == Database.Desired.RUNNING ? Database.Status.STARTING : Database.Status.STOPPING));
    }

    /** Restarts it (starts it when it is stopped). */
    @InTeam
    public Database restart(Viewer viewer, UUID id) {
        rows.lock(viewer.teamId(), id);
        var current = load(viewer, id);
        rows.requestRestart(viewer.teamId(), id);
        return changed(current.withWish(Database.Desired.RUNNING, Database.Status.STARTING));
    }

    private Database changed(Database changed) {
        save(changed);
        converge(changed);
        publish(DatabaseChanged.Kind.UPDATED, changed);
        return changed;
    }

    /** Publishes it on {@code hostPort} of its server (null: no longer). */
    @InTeam
    public Database expose(Viewer viewer, UUID id, @Nullable Integer hostPort) {
        rows.lock(viewer.teamId(), id);
        var current = load(viewer, id);
        var server = servers.server(viewer, current.serverId());
        if (java.util.Objects.equals(hostPort, current.publicPort())) return current;
        var changed = current.with(current.name(), current.image(), hostPort, current.cpuLimit(), current.memoryLimitMiB(), current.desired(),
                current.desired() == Database.Desired.RUNNING ? Database.Status.STARTING : current.status(), null);
        rows.lockPortsOf(server.id());
        portsFree(viewer, server, changed, "input.hostPort");
        return changed(changed);
    }

    /** The credentials, in the clear: the caller's policy allowed it and the mutation is audited. */
    @InTeam(readOnly = true)
    public Revealed reveal(Viewer viewer, UUID id) {
        if (!viewer.scopes().contains(dev.berth.api.Scope.SECRETS_READ)) {
            throw new dev.berth.errors.ForbiddenException("Revealing credentials needs the secrets:read scope.");
        }
        var database = load(viewer, id);
        var password = box.open(database.passwordSealed(), database.sealContext());
        return new Revealed(database, database.username(), password, database.databaseName(), internalUrl(viewer, database));
    }

    /** A running database's container and credentials, for work inside it (a dump, a restore). */
    public record Inside(Database database, dev.berth.execution.Containers containers, String containerId, Engine.Credentials credentials) {}

    /**
     * The database's running container on its server and its credentials (system work: a backup or restore job).
     *
     * @throws ConflictException when it is not running
     */
    @InTeam(readOnly = true)
    public Inside inside(Viewer viewer, UUID id, dev.berth.server.ServerCommands commands) {
        var database = load(viewer, id);
        var server = servers.server(viewer, database.serverId());
        var containers = commands.containers(viewer, database.serverId());
        var running = containers.list(Map.of(DatabaseContainers.LABEL, id.toString())).stream().filter(dev.berth.execution.Containers.Container::running)
                .findFirst().orElseThrow(() -> new ConflictException("The database " + database.name() + " is not running."));
        var password = box.open(database.passwordSealed(), database.sealContext());
        return new Inside(database, containers, running.id(), DatabaseContainers.credentials(database, password, hostNetwork(server)));
    }

    /** The address applications on the same server use: never the password. */
    @InTeam(readOnly = true)
    public String internalUrl(Viewer viewer, Database database) {
        var server = servers.server(viewer, database.serverId());
        var engine = database.engineSpec();
        var credentials = DatabaseContainers.credentials(database, new Secret(""), hostNetwork(server));
        return hostNetwork(server)
                ? engine.url("127.0.0.1", credentials.port(), credentials)
                : engine.url(database.containerName(), credentials.port(), credentials);
    }

    /**
     * The URL an application on {@code fromServerId} connects with, its password included (percent-encoded): the
     * internal URL on the database's own server, the public one from another server when it is published.
     *
     * @throws ConflictException when it runs on another server and is not published
     */
    @InTeam(readOnly = true)
    public Secret connectionUrl(Viewer viewer, Database database, UUID fromServerId) {
        String url;
        if (database.serverId().equals(fromServerId)) {
            url = internalUrl(viewer, database);
        } else {
            url = publicUrl(viewer, database);
            if (url == null) {
                throw new ConflictException("The database " + database.name() + " runs on another server than the application and is not published:"
                        + " expose it (exposeDatabase) or move the application to its server.");
            }
        }
        return new Secret(Engine.withPassword(url, box.open(database.passwordSealed(), database.sealContext()).value()));
    }

    /** The address from outside its server when it is published: never the password. */
    @InTeam(readOnly = true)
    public @Nullable String publicUrl(Viewer viewer, Database database) {
        var server = servers.server(viewer, database.serverId());
        var credentials = DatabaseContainers.credentials(database, new Secret(""), hostNetwork(server));
        if (hostNetwork(server)) return database.engineSpec().url(server.host(), credentials.port(), credentials);
        if (database.publicPort() == null) return null;
        return database.engineSpec().url(server.host(), database.publicPort(), credentials);
    }

    boolean hostNetwork(Server server) {
        return servers.network(server, null).equals(NetworkMode.HOST.docker());
    }

    /**
     * On the host network a database listens on the server's port: no other live database of the team on that server
     * may listen there, and an engine that cannot listen elsewhere than its default takes that one.
     */
    private void portsFree(Viewer viewer, Server server, Database database, String field) {
        boolean host = hostNetwork(server);
        if (host && database.publicPort() != null && !database.engineSpec().listensAnywhere() && database.publicPort() != database.engineSpec().port()) {
            throw new InvalidInputException(field, database.engine() + " listens on " + database.engineSpec().port()
                    + " only; on the host network its public port is that one");
        }
        int port = DatabaseContainers.credentials(database, new Secret(""), host).port();
        for (var other : rows.onServer(viewer.teamId(), server.id())) {
            if (other.id().equals(database.id())) continue;
            int taken = host ? DatabaseContainers.credentials(other, new Secret(""), true).port() : other.publicPort() == null ? -1 : other.publicPort();
            int wanted = host ? port : database.publicPort() == null ? -2 : database.publicPort();
            if (taken == wanted) {
                throw new ConflictException(database.publicPort() != null ? field : "input.engine",
                        "The port " + wanted + " of the server is taken by the database '" + other.name() + "'.");
            }
        }
    }

    /**
     * Deleting a project or an environment deletes its databases as deleteDatabase would (hidden at once, their
     * containers removed by a job), in the deleting transaction. Their volumes stay on the server.
     */
    @io.micronaut.runtime.event.annotation.EventListener
    void onProjectChanged(dev.berth.project.ProjectChanged changed) {
        if (changed.kind() == dev.berth.project.ProjectChanged.Kind.CREATED) return;
        for (var database : rows.orphanedIn(changed.teamId(), changed.projectId())) {
            rows.markDeleted(changed.teamId(), database.id(), false);
            converge(database);
            publish(DatabaseChanged.Kind.DELETED, database.withWish(database.desired(), Database.Status.DELETING));
        }
    }

    private void save(Database database) {
        UniqueViolation.orConflict(() -> {
            rows.save(database);
            return null;
        }, "A database named '" + database.name() + "' already exists in this environment, or its port is taken on the server.");
    }

    private void converge(Database database) {
        jobs.enqueue(DatabaseJob.TASK, JobQueue.instance(database.teamId(), database.id()), Instant.now());
    }

    private void publish(DatabaseChanged.Kind kind, Database database) {
        changes.publishEvent(new DatabaseChanged(kind, database.teamId(), database.projectId(), database.id(), database.status(), Instant.now()));
    }

    private String generatePassword() {
        var password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        return password.toString();
    }

    /** Input parsing shared by the fetchers. */
    static Integer port(String field, @Nullable Object value) {
        if (value == null) return null;
        if (!(value instanceof Integer port) || port < 1024 || port > 65535) throw new InvalidInputException(field, "a port from 1024 to 65535");
        return port;
    }

    static final Map<String, EngineKind> ENGINES = Map.of(
            "POSTGRESQL", EngineKind.POSTGRESQL, "MYSQL", EngineKind.MYSQL, "MARIADB", EngineKind.MARIADB, "MONGODB", EngineKind.MONGODB,
            "REDIS", EngineKind.REDIS, "KEYDB", EngineKind.KEYDB, "DRAGONFLY", EngineKind.DRAGONFLY, "CLICKHOUSE", EngineKind.CLICKHOUSE);
}
