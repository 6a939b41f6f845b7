package dev.berth.database;

import dev.berth.api.Arguments;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import dev.berth.application.ImageRef;
import dev.berth.errors.InvalidInputException;
import dev.berth.events.EventBus;
import dev.berth.project.Environment;
import dev.berth.project.ProjectService;
import dev.berth.project.ResourceName;
import dev.berth.server.ServerService;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fetchers of {@code schema/database.graphqls}. */
@Singleton
final class DatabaseWiring implements WiringContribution {
    private final DatabaseService databases;
    private final ProjectService projects;
    private final ServerService servers;
    private final EventBus events;
    private final DatabaseLinks links;

    DatabaseWiring(DatabaseService databases, ProjectService projects, ServerService servers, EventBus events, DatabaseLinks links) {
        this.links = links;
        this.databases = databases;
        this.projects = projects;
        this.servers = servers;
        this.events = events;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t.dataFetcher("database", env -> databases.get(Viewer.from(env), Arguments.id("id", env.getArgument("id")))));
        wiring.type("Application", t -> t.dataFetcher("databaseLinks", env -> links.of(Viewer.from(env), env.<dev.berth.application.Application>getSource().id())));
        wiring.type("DatabaseLink", t -> t.dataFetcher("database", env -> databases.get(Viewer.from(env), env.<DatabaseLink>getSource().databaseId())));
        wiring.type("Environment", t -> t.dataFetcher("databases", env -> databases.inEnvironment(Viewer.from(env), env.<Environment>getSource().id())));
        wiring.type("Mutation", t -> t
                .dataFetcher("linkDatabase", env -> {
                    var input = Arguments.input(env);
                    return Map.of("databaseLink", links.link(Viewer.from(env), Arguments.id("input.applicationId", input.get("applicationId")),
                            Arguments.id("input.databaseId", input.get("databaseId")), input.get("key") instanceof String key ? key : ""));
                })
                .dataFetcher("unlinkDatabase", env -> {
                    var input = Arguments.input(env);
                    return Map.of("unlinkedKey", links.unlink(Viewer.from(env), Arguments.id("input.applicationId", input.get("applicationId")),
                            input.get("key") instanceof String key ? key : ""));
                })
                .dataFetcher("createDatabase", env -> payload(databases.create(Viewer.from(env), newDatabase(Arguments.input(env)))))
                .dataFetcher("updateDatabase", env -> payload(databases.update(Viewer.from(env), change(Arguments.input(env)))))
                .dataFetcher("deleteDatabase", env -> Map.of("deletedDatabaseId", databases.delete(Viewer.from(env), id(env),
                        Boolean.TRUE.equals(Arguments.input(env).get("removeVolume")))))
                .dataFetcher("startDatabase", env -> payload(databases.wish(Viewer.from(env), id(env), Database.Desired.RUNNING)))
                .dataFetcher("restartDatabase", env -> payload(databases.restart(Viewer.from(env), id(env))))
                .dataFetcher("stopDatabase", env -> payload(databases.wish(Viewer.from(env), id(env), Database.Desired.STOPPED)))
                .dataFetcher("exposeDatabase", env -> payload(databases.expose(Viewer.from(env), id(env),
                        DatabaseService.port("input.hostPort", Arguments.input(env).get("hostPort")))))
                .dataFetcher("unexposeDatabase", env -> payload(databases.expose(Viewer.from(env), id(env), null)))
                .dataFetcher("revealDatabaseCredentials", env -> revealed(databases.reveal(Viewer.from(env), id(env)))));
        wiring.type("Subscription", t -> t.dataFetcher("databaseEvents",
                env -> events.subscribe(DatabaseChanged.channel(Viewer.from(env).teamId()), DatabaseChanged.class)));
        wiring.type("Database", t -> t
                .dataFetcher("environment", env -> projects.environment(Viewer.from(env), source(env).environmentId()))
                .dataFetcher("server", env -> servers.server(Viewer.from(env), source(env).serverId()))
                .dataFetcher("internalUrl", env -> databases.internalUrl(Viewer.from(env), source(env)))
                .dataFetcher("publicUrl", env -> databases.publicUrl(Viewer.from(env), source(env))));
    }

    private static Database source(DataFetchingEnvironment env) {
        return env.getSource();
    }

    private static Map<String, Object> payload(Database database) {
        return Map.of("database", database);
    }

    private static java.util.UUID id(DataFetchingEnvironment env) {
        return Arguments.id("input.id", Arguments.input(env).get("id"));
    }

    private static Map<String, Object> revealed(DatabaseService.Revealed revealed) {
        var credentials = new LinkedHashMap<String, Object>();
        credentials.put("username", revealed.username());
        credentials.put("password", revealed.password().value());
        credentials.put("databaseName", revealed.databaseName());
        // a URL without a user (the Redis family's) gets one of its own: an empty user before the password
        credentials.put("internalUrlWithPassword", Engine.withPassword(revealed.internalUrl(), revealed.password().value()));
        return Map.of("database", revealed.database(), "credentials", credentials);
    }

    private static DatabaseService.NewDatabase newDatabase(Map<String, Object> input) {
        var engine = engine(input.get("engine"));
        return new DatabaseService.NewDatabase(Arguments.id("input.environmentId", input.get("environmentId")),
                Arguments.id("input.serverId", input.get("serverId")), ResourceName.of("input.name", input.get("name")), engine,
                image(input.get("image")), DatabaseService.port("input.publicPort", input.get("publicPort")),
                cpu(input.get("cpuLimit")), memory(input.get("memoryLimitMiB")), password(input.get("password")));
    }

    private static dev.berth.secrets.@Nullable Secret password(@Nullable Object value) {
        if (value == null) return null;
        var password = value.toString();
        // control characters are refused: the official postgres image cuts a password at a newline, silently
        if (password.length() < 12 || password.length() > 256 || password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidInputException("input.password", "12 to 256 characters, without control characters (a newline, a tab)");
        }
        return new dev.berth.secrets.Secret(password);
    }

    private static DatabaseService.DatabaseChange change(Map<String, Object> input) {
        return new DatabaseService.DatabaseChange(Arguments.id("input.id", input.get("id")),
                input.get("name") == null ? null : ResourceName.of("input.name", input.get("name")), image(input.get("image")),
                cpu(input.get("cpuLimit")), memory(input.get("memoryLimitMiB")));
    }

    private static EngineKind engine(Object value) {
        var engine = value == null ? null : DatabaseService.ENGINES.get(value.toString());
        if (engine == null) throw new InvalidInputException("input.engine", "one of " + DatabaseService.ENGINES.keySet());
        return engine;
    }

    private static @Nullable String image(@Nullable Object value) {
        return value == null ? null : ImageRef.parse("input.image", value).reference();
    }

    private static @Nullable Double cpu(@Nullable Object value) {
        if (value == null) return null;
        double cores = ((Number) value).doubleValue();
        if (!(cores >= 0.01 && cores <= 64)) throw new InvalidInputException("input.cpuLimit", "0.01 to 64 cores");
        return cores;
    }

    private static @Nullable Integer memory(@Nullable Object value) {
        if (value == null) return null;
        int mib = ((Number) value).intValue();
        if (mib < 16 || mib > 1_048_576) throw new InvalidInputException("input.memoryLimitMiB", "16 to 1048576 MiB");
        return mib;
    }
}
