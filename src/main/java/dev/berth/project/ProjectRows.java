package dev.berth.project;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import dev.berth.storage.Statements;
import dev.berth.storage.UniqueViolation;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

/**
 * The reads every project listing makes (a page of projects, projects by id, the environments of many projects),
 * written by hand: they run for every request that shows projects, and the generic entity mapper costs more than the
 * query itself (column names derived per row, timestamps through calendars). Runs in the caller's transaction, in its
 * team; the writes stay with the repositories.
 */
@Singleton
class ProjectRows {
    private static final String PROJECT = "id, team_id, name, description, metadata, created_at, updated_at, deleted_at";
    private static final String ENVIRONMENT = "id, team_id, project_id, name, created_at, updated_at, deleted_at";
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final JdbcOperations jdbc;
    private final ObjectMapper json;

    ProjectRows(JdbcOperations jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * A new project and its first environment in one statement, kept for the transaction's commit
     * ({@link Statements#kept}): they go with the audit row and the COMMIT in one round trip; a name taken fails the
     * mutation as a CONFLICT with {@code conflict}.
     */
    Project insertWithFirstEnvironment(Project project, UUID environmentId, String environmentName, String conflict) {
        var now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS); // what PostgreSQL keeps
        String metadata;
        try {
            metadata = json.writeValueAsString(project.metadata());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not JSON", e);
        }
        Statements.kept(jdbc, """
                WITH project AS (
                    INSERT INTO projects (id, team_id, name, description, metadata, created_at, updated_at)
                    VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?, ?) RETURNING id, team_id)
                INSERT INTO environments (id, team_id, project_id, name, created_at, updated_at)
                SELECT ?, team_id, id, ?, ?, ? FROM project""", s -> {
            s.setObject(1, project.id());
            s.setObject(2, project.teamId());
            s.setString(3, project.name());
            s.setString(4, project.description());
            s.setString(5, metadata);
            s.setObject(6, now);
            s.setObject(7, now);
            s.setObject(8, environmentId);
            s.setString(9, environmentName);
            s.setObject(10, now);
            s.setObject(11, now);
        }, UniqueViolation.conflictOn("projects_team_id_name_live", conflict));
        return new Project(project.id(), project.teamId(), project.name(), project.description(), project.metadata(),
                now.toInstant(), now.toInstant(), null);
    }

    List<Project> page(UUID teamId, UUID after, int limit) {
        return projects("SELECT " + PROJECT + " FROM projects WHERE team_id = ? AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, after);
            s.setInt(3, limit);
        });
    }

    List<Project> byIds(UUID teamId, Collection<UUID> ids) {
        return projects("SELECT " + PROJECT + " FROM projects WHERE team_id = ? AND deleted_at IS NULL AND id = ANY (?)", s -> {
            s.setObject(1, teamId);
            s.setArray(2, s.getConnection().createArrayOf("uuid", ids.toArray()));
        });
    }

    Optional<Project> byId(UUID teamId, UUID id) {
        return projects("SELECT " + PROJECT + " FROM projects WHERE team_id = ? AND deleted_at IS NULL AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }).stream().findFirst();
    }

    /**
     * How many live environments the project has, its row locked until the transaction ends (two creations racing
     * for the last place cannot both pass).
     */
    int lockAndCountEnvironments(UUID teamId, UUID projectId) {
        var live = Statements.list(jdbc, "SELECT 1 FROM projects WHERE id = ? AND team_id = ? AND deleted_at IS NULL FOR NO KEY UPDATE", s -> {
            s.setObject(1, projectId);
            s.setObject(2, teamId);
        }, r -> 1);
        if (live.isEmpty()) throw new dev.berth.errors.NotFoundException("Project", projectId); // deleted while this waited
        return Statements.list(jdbc, "SELECT count(*) FROM environments WHERE project_id = ? AND team_id = ? AND deleted_at IS NULL", s -> {
            s.setObject(1, projectId);
            s.setObject(2, teamId);
        }, r -> r.getInt(1)).getFirst();
    }

    /** The live environments of these projects, by name. */
    List<Environment> environmentsOf(UUID teamId, Collection<UUID> projectIds) {
        return Statements.list(jdbc, "SELECT " + ENVIRONMENT + " FROM environments WHERE team_id = ? AND deleted_at IS NULL AND project_id = ANY (?) ORDER BY name",
                s -> {
                    s.setObject(1, teamId);
                    s.setArray(2, s.getConnection().createArrayOf("uuid", projectIds.toArray()));
                }, rows -> environment(rows, 1));
    }

    /** A project and its live environments, by name. */
    record WithEnvironments(Project project, List<Environment> environments) {}

    /**
     * The projects of {@code %s} (a subquery), each once, then their live environments by name, each once: one row per
     * project or environment (a join would repeat each project's columns, its metadata too, once per environment).
     * Columns: kind, project, name (the order), then {@link #PROJECT}'s from 4 and {@link #ENVIRONMENT}'s from 12, the
     * other kind's null.
     */
    private static final String WITH_ENVIRONMENTS = """
            WITH p AS MATERIALIZED (%s)
            SELECT 0, id, name, id, team_id, name, description, metadata, created_at, updated_at, deleted_at,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM p
            UNION ALL
            SELECT 1, e.project_id, e.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   e.id, e.team_id, e.project_id, e.name, e.created_at, e.updated_at, e.deleted_at
            FROM environments e JOIN p ON e.project_id = p.id AND e.team_id = p.team_id WHERE e.deleted_at IS NULL
            ORDER BY 1, 2, 3""";
    private static final String BY_ID_WITH_ENVIRONMENTS = WITH_ENVIRONMENTS.formatted(
            "SELECT * FROM projects WHERE team_id = ? AND deleted_at IS NULL AND id = ?");
    private static final String PAGE_WITH_ENVIRONMENTS = WITH_ENVIRONMENTS.formatted(
            "SELECT * FROM projects WHERE team_id = ? AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?");

    /** {@link #byId} with the project's environments, in one statement (what a query asking for both needs). */
    Optional<WithEnvironments> byIdWithEnvironments(UUID teamId, UUID id) {
        return withEnvironments(BY_ID_WITH_ENVIRONMENTS, s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }).stream().findFirst();
    }

    /** {@link #page} with each project's environments, in one statement. */
    List<WithEnvironments> pageWithEnvironments(UUID teamId, UUID after, int limit) {
        return withEnvironments(PAGE_WITH_ENVIRONMENTS, s -> {
            s.setObject(1, teamId);
            s.setObject(2, after);
            s.setInt(3, limit);
        });
    }

    /** The rows of {@link #WITH_ENVIRONMENTS}: the projects in order, each with its environments. */
    private List<WithEnvironments> withEnvironments(String sql, Statements.Binder binder) {
        var rows = Statements.list(jdbc, sql, binder, r -> r.getInt(1) == 0 ? project(r, 4) : environment(r, 12));
        var projects = new java.util.LinkedHashMap<UUID, WithEnvironments>();
        for (var row : rows) {
            switch (row) {
                case Project project -> projects.put(project.id(), new WithEnvironments(project, new java.util.ArrayList<>()));
                case Environment environment -> projects.get(environment.projectId()).environments().add(environment);
                default -> throw new IllegalStateException();
            }
        }
        return List.copyOf(projects.values());
    }

    private List<Project> projects(String sql, Statements.Binder binder) {
        return Statements.list(jdbc, sql, binder, rows -> project(rows, 1));
    }

    /** A project from {@link #PROJECT}'s columns, the first at {@code at}. */
    private Project project(java.sql.ResultSet rows, int at) throws java.sql.SQLException {
        return new Project(uuid(rows, at), uuid(rows, at + 1), rows.getString(at + 2), rows.getString(at + 3),
                metadata(rows.getString(at + 4)), instant(rows, at + 5), instant(rows, at + 6), instant(rows, at + 7));
    }

    /** An environment from {@link #ENVIRONMENT}'s columns, the first at {@code at}. */
    private static Environment environment(java.sql.ResultSet rows, int at) throws java.sql.SQLException {
        return new Environment(uuid(rows, at), uuid(rows, at + 1), uuid(rows, at + 2), rows.getString(at + 3),
                instant(rows, at + 4), instant(rows, at + 5), instant(rows, at + 6));
    }

    private Map<String, Object> metadata(@Nullable String text) {
        if (text == null || "{}".equals(text)) return Map.of();
        try {
            return json.readValue(text, OBJECT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
