package dev.berth.project;

import dev.berth.storage.InTeam;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.ProjectScope;
import dev.berth.api.Viewer;
import dev.berth.errors.ForbiddenException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.storage.Ids;
import dev.berth.storage.UniqueViolation;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Projects and environments of the viewer's team. Every read and write is scoped by the viewer's team. */
@Singleton
public class ProjectService {
    static final int MAX_METADATA_BYTES = 16 * 1024;
    static final String FIRST_ENVIRONMENT = "production";
    private static final UUID BEFORE_ALL = new UUID(0, 0);

    /**
     * Environments one project may have: what keeps a dashboard's cost estimate (which assumes 3, see
     * {@code @listSize} on {@code Project.environments}) within a few times what it fetches.
     */
    static final int MAX_ENVIRONMENTS = 20;

    private final ProjectRepository projects;
    private final EnvironmentRepository environments;
    private final ApplicationEventPublisher<ProjectChanged> changes;
    private final ObjectMapper json;
    private final ProjectRows rows;

    ProjectService(ProjectRepository projects, EnvironmentRepository environments, ProjectRows rows,
                   ApplicationEventPublisher<ProjectChanged> changes, ObjectMapper json) {
        this.rows = rows;
        this.projects = projects;
        this.environments = environments;
        this.changes = changes;
        this.json = json;
    }

    /** Up to {@code limit} projects after {@code after}, in id order; optionally only those whose metadata contains a JSON object. */
    @InTeam(readOnly = true)
    public List<Project> page(Viewer viewer, int limit, @Nullable UUID after, @Nullable MetadataFilter metadataContains) {
        var from = after == null ? BEFORE_ALL : after;
        if (viewer.projectIds() != null) return restrictedPage(viewer, from, limit, metadataContains);
        if (metadataContains == null) return rows.page(viewer.teamId(), from, limit);
        return projects.pageWhereMetadataContains(viewer.teamId(), from, write(metadataContains.object(), "metadataContains"), limit);
    }

    /** A token limited to a few projects pages through just those (a handful, so in memory). */
    private List<Project> restrictedPage(Viewer viewer, UUID from, int limit, @Nullable MetadataFilter metadataContains) {
        return rows.byIds(viewer.teamId(), viewer.projectIds()).stream()
                .filter(p -> p.id().compareTo(from) > 0 && (metadataContains == null || metadataContains.matches(p.metadata())))
                .sorted(java.util.Comparator.comparing(Project::id))
                .limit(limit)
                .toList();
    }

    @InTeam(readOnly = true)
    public Project get(Viewer viewer, UUID id) {
        return load(viewer, id);
    }

    /** {@link #get} with the project's environments, read together. */
    @InTeam(readOnly = true)
    public ProjectRows.WithEnvironments getWithEnvironments(Viewer viewer, UUID id) {
        return rows.byIdWithEnvironments(viewer.teamId(), id)
                .filter(found -> ProjectScope.visible(viewer, Optional.of(found.project())).isPresent())
                .orElseThrow(() -> new NotFoundException("Project", id));
    }

    /** {@link #page} without a metadata filter, with each project's environments, read together (a viewer that sees every project). */
    @InTeam(readOnly = true)
    public List<ProjectRows.WithEnvironments> pageWithEnvironments(Viewer viewer, int limit, @Nullable UUID after) {
        if (viewer.projectIds() != null) throw new IllegalStateException("a token limited to some projects pages through them in memory");
        return rows.pageWithEnvironments(viewer.teamId(), after == null ? BEFORE_ALL : after, limit);
    }

    @InTeam(readOnly = true)
    public Optional<Project> find(Viewer viewer, UUID id) {
        return lookup(viewer, id);
    }

    /* The loaders below run inside a transaction whose tenancy the public method already entered. */

    private Optional<Project> lookup(Viewer viewer, UUID id) {
        return ProjectScope.visible(viewer, rows.byId(viewer.teamId(), id));
    }

    private Project load(Viewer viewer, UUID id) {
        return lookup(viewer, id).orElseThrow(() -> new NotFoundException("Project", id));
    }

    private Environment loadEnvironment(Viewer viewer, UUID id) {
        return ProjectScope.visible(viewer, environments.findByIdAndTeamId(id, viewer.teamId()))
                .orElseThrow(() -> new NotFoundException("Environment", id));
    }

    @InTeam(readOnly = true)
    public Map<UUID, Project> byIds(Viewer viewer, Collection<UUID> ids) {
        return rows.byIds(viewer.teamId(), ids).stream()
                .filter(p -> !viewer.excludes(p.id()))
                .collect(Collectors.toMap(Project::id, p -> p));
    }

    @InTeam
    public Project create(Viewer viewer, ProjectInput fields) {
        if (viewer.projectIds() != null) throw new ForbiddenException("This token is limited to some projects and cannot create others.");
        checkSize(fields.metadata());
        var project = new Project(Ids.next(), viewer.teamId(), fields.name().value(), fields.description(),
                fields.metadata(), null, null, null);
        var saved = rows.insertWithFirstEnvironment(project, Ids.next(), FIRST_ENVIRONMENT,
                "A project named '" + project.name() + "' already exists in this team.");
        publish(ProjectChanged.Kind.CREATED, saved);
        return saved;
    }

    @InTeam
    public Project update(Viewer viewer, UUID id, ProjectInput fields) {
        var current = load(viewer, id);
        checkSize(fields.metadata());
        var changed = current.with(
                fields.name() == null ? current.name() : fields.name().value(),
                fields.descriptionGiven() ? fields.description() : current.description(),
                fields.metadata() == null ? current.metadata() : fields.metadata());
        var saved = UniqueViolation.orConflict(() -> projects.update(changed), "A project named '" + changed.name() + "' already exists in this team.");
        publish(ProjectChanged.Kind.UPDATED, saved);
        return saved;
    }

    /** Soft-deletes the project and its environments; the name becomes free. */
    @InTeam
    public UUID delete(Viewer viewer, UUID id) {
        var project = load(viewer, id);
        environments.softDeleteByProject(id, viewer.teamId());
        projects.softDelete(id, viewer.teamId());
        publish(ProjectChanged.Kind.DELETED, project);
        return id;
    }

    @InTeam(readOnly = true)
    public Environment environment(Viewer viewer, UUID id) {
        return loadEnvironment(viewer, id);
    }

    /** The live environments of each project, by name; one statement for any number of projects. */
    @InTeam(readOnly = true)
    public Map<UUID, List<Environment>> environmentsOf(Viewer viewer, Collection<UUID> projectIds) {
        var byProject = new HashMap<UUID, List<Environment>>();
        projectIds.forEach(id -> byProject.put(id, new ArrayList<>()));
        for (var environment : rows.environmentsOf(viewer.teamId(), projectIds)) {
            byProject.get(environment.projectId()).add(environment);
        }
        return byProject;
    }

    @InTeam
    public Environment createEnvironment(Viewer viewer, UUID projectId, ResourceName validName) {
        var project = load(viewer, projectId);
        if (rows.lockAndCountEnvironments(viewer.teamId(), project.id()) >= MAX_ENVIRONMENTS) {
            throw new dev.berth.errors.PolicyViolationException("A project has at most " + MAX_ENVIRONMENTS + " environments; delete one first.");
        }
        var environment = new Environment(Ids.next(), viewer.teamId(), project.id(), validName.value(), null, null, null);
        var saved = UniqueViolation.orConflict(() -> environments.save(environment), environmentTaken(validName));
        publish(ProjectChanged.Kind.UPDATED, project);
        return saved;
    }

    @InTeam
    public Environment renameEnvironment(Viewer viewer, UUID id, ResourceName validName) {
        var current = loadEnvironment(viewer, id);
        var saved = UniqueViolation.orConflict(() -> environments.update(current.renamed(validName.value())), environmentTaken(validName));
        publish(ProjectChanged.Kind.UPDATED, load(viewer, current.projectId()));
        return saved;
    }

    @InTeam
    public UUID deleteEnvironment(Viewer viewer, UUID id) {
        var current = loadEnvironment(viewer, id);
        environments.softDelete(id, viewer.teamId());
        publish(ProjectChanged.Kind.UPDATED, load(viewer, current.projectId()));
        return id;
    }

    private void publish(ProjectChanged.Kind kind, Project project) {
        changes.publishEvent(new ProjectChanged(kind, project.teamId(), project.id(), Instant.now()));
    }

    private void checkSize(@Nullable Map<String, Object> metadata) {
        if (metadata != null && write(metadata, "input.metadata").getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            throw new InvalidInputException("input.metadata", "at most " + MAX_METADATA_BYTES + " bytes of JSON");
        }
    }

    private String write(Object value, String field) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(field, "must be JSON");
        }
    }

    private static String environmentTaken(ResourceName name) {
        return "An environment named '" + name.value() + "' already exists in this project.";
    }

}
