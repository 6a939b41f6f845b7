package dev.berth.project;

import dev.berth.api.Arguments;
import dev.berth.api.Connection;
import dev.berth.api.Lookahead;
import dev.berth.api.PageArgs;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import dev.berth.events.EventBus;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Publisher;

/** Fetchers of {@code schema/project.graphqls}: read arguments, call {@link ProjectService}, return records. */
@Singleton
final class ProjectWiring implements WiringContribution {
    private final ProjectService projects;
    private final EventBus events;

    ProjectWiring(ProjectService projects, EventBus events) {
        this.projects = projects;
        this.events = events;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t
                .dataFetcher("projects", this::projectPage)
                .dataFetcher("project", this::project)
                .dataFetcher("environment", env -> projects.environment(Viewer.from(env), Arguments.id("id", env.getArgument("id")))));
        wiring.type("Mutation", t -> t
                .dataFetcher("createProject", env -> Map.of("project",
                        projects.create(Viewer.from(env), ProjectInput.forCreate(Arguments.input(env)))))
                .dataFetcher("updateProject", env -> Map.of("project",
                        projects.update(Viewer.from(env), inputId(env, "input.id", "id"), ProjectInput.forUpdate(Arguments.input(env)))))
                .dataFetcher("deleteProject", env -> Map.of("deletedProjectId",
                        projects.delete(Viewer.from(env), inputId(env, "input.id", "id"))))
                .dataFetcher("createEnvironment", env -> Map.of("environment", projects.createEnvironment(
                        Viewer.from(env), inputId(env, "input.projectId", "projectId"), ResourceName.of("input.name", Arguments.input(env).get("name")))))
                .dataFetcher("renameEnvironment", env -> Map.of("environment", projects.renameEnvironment(
                        Viewer.from(env), inputId(env, "input.id", "id"), ResourceName.of("input.name", Arguments.input(env).get("name")))))
                .dataFetcher("deleteEnvironment", env -> Map.of("deletedEnvironmentId",
                        projects.deleteEnvironment(Viewer.from(env), inputId(env, "input.id", "id")))));
        wiring.type("Subscription", t -> t.dataFetcher("projectEvents", this::projectEvents));
        wiring.type("Project", t -> t.dataFetcher("environments", this::environmentsOfProject));
        wiring.type("Environment", t -> t.dataFetcher("project", env -> projectOf(env, env.<Environment>getSource().projectId())));
        wiring.type("ProjectEvent", t -> t.dataFetcher("project", env -> projectOf(env, env.<ProjectChanged>getSource().projectId())));
    }

    private Connection<Project> projectPage(DataFetchingEnvironment env) {
        var page = PageArgs.from(env);
        var viewer = Viewer.from(env);
        var filter = MetadataFilter.from(env.getArgument("metadataContains"));
        if (filter == null && viewer.projectIds() == null && Lookahead.selects(env, "edges", "node", "environments")) {
            // the page and its environments in one statement; the environments' loader has them already
            var found = projects.pageWithEnvironments(viewer, page.limit(), page.after());
            primeEnvironments(env, found);
            return Connection.of(found.stream().map(ProjectRows.WithEnvironments::project).toList(), page, Project::id);
        }
        return Connection.of(projects.page(viewer, page.limit(), page.after(), filter), page, Project::id);
    }

    private Project project(DataFetchingEnvironment env) {
        var viewer = Viewer.from(env);
        var id = Arguments.id("id", env.getArgument("id"));
        if (!Lookahead.selects(env, "environments")) return projects.get(viewer, id);
        var found = projects.getWithEnvironments(viewer, id); // one statement for both
        primeEnvironments(env, List.of(found));
        return found.project();
    }

    /** The environments' loader has them, and the projects' loader has their projects (environment → project). */
    private static void primeEnvironments(DataFetchingEnvironment env, List<ProjectRows.WithEnvironments> found) {
        var environments = env.<java.util.UUID, List<Environment>>getDataLoader(ProjectLoaders.ENVIRONMENTS_BY_PROJECT);
        var byId = env.<java.util.UUID, Project>getDataLoader(ProjectLoaders.PROJECT_BY_ID);
        for (var project : found) {
            environments.prime(project.project().id(), List.copyOf(project.environments()));
            byId.prime(project.project().id(), project.project());
        }
    }

    private CompletableFuture<List<Environment>> environmentsOfProject(DataFetchingEnvironment env) {
        return env.<java.util.UUID, List<Environment>>getDataLoader(ProjectLoaders.ENVIRONMENTS_BY_PROJECT)
                .load(env.<Project>getSource().id());
    }

    private CompletableFuture<Project> projectOf(DataFetchingEnvironment env, java.util.UUID projectId) {
        return env.<java.util.UUID, Project>getDataLoader(ProjectLoaders.PROJECT_BY_ID).load(projectId);
    }

    private Publisher<ProjectChanged> projectEvents(DataFetchingEnvironment env) {
        var viewer = Viewer.from(env);
        return events.subscribe(ProjectChanged.channel(viewer.teamId()), ProjectChanged.class); // project limit: EventHandOff
    }

    private static java.util.UUID inputId(DataFetchingEnvironment env, String field, String key) {
        return Arguments.id(field, Arguments.input(env).get(key));
    }
}
