package dev.berth.application;

import dev.berth.api.Arguments;
import dev.berth.api.Connection;
import dev.berth.api.DataLoaderContribution;
import dev.berth.api.Lookahead;
import dev.berth.api.PageArgs;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import dev.berth.events.EventBus;
import dev.berth.project.Environment;
import dev.berth.project.ProjectService;
import dev.berth.server.ServerService;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.dataloader.DataLoaderFactory;
import dev.berth.api.Loaders;

/** Fetchers of {@code schema/application.graphqls}: read arguments, call the services, return records. */
@Singleton
final class ApplicationWiring implements WiringContribution, DataLoaderContribution {
    private static final String APPLICATIONS_BY_ENVIRONMENT = "applicationsByEnvironment";
    private static final String APPLICATION_BY_ID = "applicationById";
    private static final String VARIABLES_BY_APPLICATION = "variablesByApplication";

    /** One environment's page request; pages with the same arguments are read together. */
    private record PageKey(UUID environmentId, PageArgs page) {}

    private final ApplicationService applications;
    private final VariableService variables;
    private final ProjectService projects;
    private final ServerService servers;
    private final EventBus events;
    private final dev.berth.registry.RegistryService registries;
    private final List<ApplicationReadAhead> readAheads;

    ApplicationWiring(ApplicationService applications, VariableService variables, ProjectService projects, ServerService servers, EventBus events,
                      dev.berth.registry.RegistryService registries, List<ApplicationReadAhead> readAheads) {
        this.registries = registries;
        this.readAheads = List.copyOf(readAheads);
        this.applications = applications;
        this.variables = variables;
        this.projects = projects;
        this.servers = servers;
        this.events = events;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t
                .dataFetcher("application", this::application)
                .dataFetcher("environmentVariables", env -> variables.of(Viewer.from(env), VariableService.ScopeInput.from("scope", env.getArgument("scope")))));
        wiring.type("Mutation", t -> t
                .dataFetcher("createApplication", env -> Map.of("application", applications.create(Viewer.from(env), ApplicationInputs.NewApplication.from(Arguments.input(env)))))
                .dataFetcher("updateApplication", env -> Map.of("application",
                        applications.update(Viewer.from(env), ApplicationInputs.ApplicationChange.from(Arguments.input(env)))))
                .dataFetcher("deleteApplication", env -> Map.of("deletedApplicationId",
                        applications.delete(Viewer.from(env), Arguments.id("input.id", Arguments.input(env).get("id")))))
                .dataFetcher("setEnvironmentVariables", env -> Map.of("variables", variables.set(Viewer.from(env), VariableService.NewVariables.from(Arguments.input(env)))))
                .dataFetcher("upsertEnvironmentVariables", env -> Map.of("variables",
                        variables.upsert(Viewer.from(env), VariableService.VariableChanges.from(Arguments.input(env)))))
                .dataFetcher("deleteEnvironmentVariables", env -> variables.delete(Viewer.from(env), VariableService.DeletedVariables.from(Arguments.input(env)))));
        wiring.type("Subscription", t -> t.dataFetcher("applicationEvents",
                env -> events.subscribe(ApplicationChanged.channel(Viewer.from(env).teamId()), ApplicationChanged.class)));
        wiring.type("Environment", t -> t.dataFetcher("applications", this::applicationsOf));
        wiring.type("Application", t -> t
                .dataFetcher("environment", env -> projects.environment(Viewer.from(env), env.<Application>getSource().environmentId()))
                .dataFetcher("server", env -> servers.server(Viewer.from(env), env.<Application>getSource().serverId()))
                .dataFetcher("ports", env -> settings(env).ports())
                .dataFetcher("command", env -> settings(env).command())
                .dataFetcher("healthCheck", env -> settings(env).healthCheck())
                .dataFetcher("restartPolicy", env -> settings(env).restartPolicy())
                .dataFetcher("cpuLimit", env -> settings(env).cpuLimit())
                .dataFetcher("memoryLimitMiB", env -> settings(env).memoryLimitMiB())
                .dataFetcher("labels", env -> settings(env).labels())
                .dataFetcher("volumes", env -> settings(env).volumes())
                .dataFetcher("stopSignal", env -> settings(env).stopSignal())
                .dataFetcher("stopGracePeriodSeconds", env -> settings(env).stopGracePeriodSeconds())
                .dataFetcher("networkMode", env -> settings(env).networkMode())
                .dataFetcher("environmentVariables", env -> env.<UUID, List<EnvironmentVariable>>getDataLoader(VARIABLES_BY_APPLICATION)
                        .load(env.<Application>getSource().id()))
                .dataFetcher("effectiveEnvironment", env -> variables.effectiveShown(Viewer.from(env), env.<Application>getSource().id())));
        wiring.type("ApplicationSource", t -> t.typeResolver(env -> env.getSchema().getObjectType(
                env.getObject() instanceof ApplicationSource.Git ? "GitSource" : "ImageSource")));
        wiring.type("ImageSource", t -> t.dataFetcher("registry", env -> {
            var registryId = env.<ApplicationSource.Image>getSource().registryId();
            if (registryId == null) return null;
            try {
                return registries.get(Viewer.from(env), registryId);
            } catch (dev.berth.errors.NotFoundException deleted) {
                return null;
            }
        }));
        wiring.type("GitSource", t -> t.dataFetcher("deployKey", env -> {
            var keyId = env.<ApplicationSource.Git>getSource().deployKeyId();
            return keyId == null ? null : servers.keysByIds(Viewer.from(env), List.of(keyId)).get(keyId);
        }));
        wiring.type("ApplicationEvent", t -> t.dataFetcher("application", env ->
                env.<UUID, Application>getDataLoader(APPLICATION_BY_ID).load(env.<ApplicationChanged>getSource().applicationId())));
    }

    /**
     * An application; when the query also asks for its variables or a read-ahead part (its deployments), read with
     * them in one statement, and their loaders primed.
     */
    private Application application(DataFetchingEnvironment env) {
        var viewer = Viewer.from(env);
        var id = Arguments.id("id", env.getArgument("id"));
        boolean withVariables = Lookahead.selects(env, "environmentVariables");
        ApplicationReadAhead.Part<?> part = null;
        for (var readAhead : readAheads) {
            part = readAhead.plan(env);
            if (part != null) break;
        }
        if (!withVariables && part == null) return applications.get(viewer, id);
        return readWith(env, viewer, id, withVariables, part);
    }

    private <T> Application readWith(DataFetchingEnvironment env, Viewer viewer, UUID id, boolean withVariables, ApplicationReadAhead.Part<T> part) {
        var read = applications.getWith(viewer, id, withVariables, part);
        if (withVariables) env.<UUID, List<EnvironmentVariable>>getDataLoader(VARIABLES_BY_APPLICATION).prime(id, read.variables());
        if (part != null) part.prime(env, read.application(), read.related());
        return read.application();
    }

    private static ApplicationSettings settings(DataFetchingEnvironment env) {
        return env.<Application>getSource().settings();
    }

    private CompletableFuture<Connection<Application>> applicationsOf(DataFetchingEnvironment env) {
        var page = PageArgs.from(env);
        return env.<PageKey, List<Application>>getDataLoader(APPLICATIONS_BY_ENVIRONMENT)
                .load(new PageKey(env.<Environment>getSource().id(), page))
                .thenApply(rows -> Connection.of(rows, page, Application::id));
    }

    @Override
    public void register(Loaders loaders, Viewer viewer) {
        loaders.add(APPLICATIONS_BY_ENVIRONMENT, () -> DataLoaderFactory.<PageKey, List<Application>>newMappedDataLoader((Set<PageKey> keys) -> {
            var result = new HashMap<PageKey, List<Application>>();
            keys.stream().collect(Collectors.groupingBy(PageKey::page)).forEach((page, sameArgs) -> {
                var after = page.after() == null ? new UUID(0, 0) : page.after();
                var pages = applications.pagesOf(viewer, sameArgs.stream().map(PageKey::environmentId).toList(), after, page.limit());
                sameArgs.forEach(key -> result.put(key, pages.get(key.environmentId())));
            });
            return CompletableFuture.completedFuture(result);
        }));
        loaders.add(VARIABLES_BY_APPLICATION, () -> DataLoaderFactory.<UUID, List<EnvironmentVariable>>newMappedDataLoader(
                (Set<UUID> ids) -> CompletableFuture.completedFuture(variables.ofApplications(viewer, ids))));
        loaders.add(APPLICATION_BY_ID, () -> DataLoaderFactory.<UUID, Application>newMappedDataLoader(
                (Set<UUID> ids) -> CompletableFuture.completedFuture(applications.byIds(viewer, ids))));
    }
}
