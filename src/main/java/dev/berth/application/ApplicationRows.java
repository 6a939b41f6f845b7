package dev.berth.application;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.storage.JsonColumn;
import dev.berth.storage.Statements;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Application rows, read and written by hand in the caller's transaction and team. */
@Singleton
class ApplicationRows {
    private static final String COLUMNS = "id, team_id, project_id, environment_id, server_id, name, source, settings, status, created_at, updated_at, container";

    private static final String PAGES_OF = """
            SELECT a.* FROM unnest(?::uuid[]) AS e(id), LATERAL (
                SELECT %s FROM applications WHERE team_id = ? AND environment_id = e.id AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?) a
            """.formatted(COLUMNS);
    private final JdbcOperations jdbc;
    private final ObjectMapper json;
    private final JavaType sourceType;
    private final JavaType settingsType;

    ApplicationRows(JdbcOperations jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.sourceType = json.constructType(ApplicationSource.class);
        this.settingsType = json.constructType(ApplicationSettings.class);
    }

    void insert(Application a) {
        update("INSERT INTO applications (id, team_id, project_id, environment_id, server_id, name, source, settings, status) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)", s -> {
            s.setObject(1, a.id());
            s.setObject(2, a.teamId());
            s.setObject(3, a.projectId());
            s.setObject(4, a.environmentId());
            s.setObject(5, a.serverId());
            s.setString(6, a.name());
            s.setString(7, write(a.source()));
            s.setString(8, write(a.settings()));
            s.setString(9, a.status().name());
        });
    }

    void save(Application a) {
        update("UPDATE applications SET name = ?, server_id = ?, source = ?::jsonb, settings = ?::jsonb, updated_at = now() WHERE id = ? AND team_id = ?", s -> {
            s.setString(1, a.name());
            s.setObject(2, a.serverId());
            s.setString(3, write(a.source()));
            s.setString(4, write(a.settings()));
            s.setObject(5, a.id());
            s.setObject(6, a.teamId());
        });
    }

    /** Serialises changes of the ports of one server's applications until the transaction ends. */
    void lockPortsOf(UUID serverId) {
        Statements.list(jdbc, "SELECT pg_advisory_xact_lock(hashtextextended('application-ports:' || ?::text, 0))",
                s -> s.setObject(1, serverId), r -> 1);
    }

    /** The live applications on a server. */
    List<Application> onServer(UUID teamId, UUID serverId) {
        return select("SELECT " + COLUMNS + " FROM applications WHERE team_id = ? AND server_id = ? AND deleted_at IS NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        });
    }

    /**
     * What the deployments of the server's live applications run or will run, by {@code "name (deployment #n)"}: each
     * application's serving deployment (its latest that succeeded) and every one not over yet. Their containers bind the
     * ports of those settings, whatever the application's own settings say now (changed since, or a rollback's).
     */
    java.util.Map<String, ApplicationSettings> deployedOn(UUID teamId, UUID serverId, UUID except) {
        var deployed = new java.util.LinkedHashMap<String, ApplicationSettings>();
        Statements.list(jdbc, """
                SELECT a.name, d.number, d.snapshot -> 'settings' FROM applications a
                JOIN deployments d ON d.application_id = a.id AND d.server_id = a.server_id
                WHERE a.team_id = ? AND a.server_id = ? AND a.deleted_at IS NULL AND a.id <> ?
                  AND (d.status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
                       OR d.number = (SELECT max(number) FROM deployments s WHERE s.application_id = a.id AND s.status = 'SUCCEEDED'))
                ORDER BY a.name, d.number""", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
            s.setObject(3, except);
        }, r -> deployed.put(r.getString(1) + " (deployment #" + r.getInt(2) + ")", JsonColumn.<ApplicationSettings>of(r.getString(3), json, settingsType).get()));
        return deployed;
    }

    /** Sets the status; the project of the application when that changed it, else empty. */
    java.util.Optional<UUID> status(UUID teamId, UUID id, Application.Status status) {
        // what was seen of the container belonged to the status before: the watch looks again
        return Statements.list(jdbc, "UPDATE applications SET status = ?, container = NULL WHERE id = ? AND team_id = ? AND deleted_at IS NULL"
                + " AND status <> ? RETURNING project_id", s -> {
            s.setString(1, status.name());
            s.setObject(2, id);
            s.setObject(3, teamId);
            s.setString(4, status.name());
        }, r -> uuid(r, 1)).stream().findFirst();
    }

    /** Hides the application (its name becomes free); {@link #delete} removes the row once its containers are gone. */
    /** Live applications of the project whose environment (or the project itself) was deleted. */
    List<UUID> orphanedIn(UUID teamId, UUID projectId) {
        return Statements.list(jdbc, """
                SELECT a.id FROM applications a JOIN environments e ON e.id = a.environment_id
                 WHERE a.team_id = ? AND a.project_id = ? AND a.deleted_at IS NULL AND e.deleted_at IS NOT NULL""", s -> {
            s.setObject(1, teamId);
            s.setObject(2, projectId);
        }, rows -> rows.getObject(1, UUID.class));
    }

    /** Names of the team's live applications whose source names {@code id} under {@code property} (deployKeyId, registryId). */
    List<String> namesUsing(UUID teamId, String property, UUID id) {
        return Statements.list(jdbc, "SELECT name FROM applications WHERE team_id = ? AND deleted_at IS NULL AND source ->> ? = ? ORDER BY name", s -> {
            s.setObject(1, teamId);
            s.setString(2, property);
            s.setString(3, id.toString());
        }, rows -> rows.getString(1));
    }

    /** Whether a deployment of the application is still under way (a run told to stop may still make a container). */
    boolean deploymentRunning(UUID teamId, UUID id) {
        return Statements.one(jdbc, "SELECT EXISTS (SELECT 1 FROM deployments WHERE team_id = ? AND application_id = ?"
                + " AND status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND (status <> 'QUEUED' OR attempts > 0))", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, rows -> rows.getBoolean(1));
    }

    void markDeleted(UUID teamId, UUID id) {
        update("UPDATE applications SET deleted_at = now() WHERE id = ? AND team_id = ?", s -> {
            s.setObject(1, id);
            s.setObject(2, teamId);
        });
    }

    void delete(UUID teamId, UUID id) {
        update("DELETE FROM applications WHERE id = ? AND team_id = ?", s -> {
            s.setObject(1, id);
            s.setObject(2, teamId);
        });
    }

    Optional<Application> byId(UUID teamId, UUID id) {
        return select("SELECT " + COLUMNS + " FROM applications WHERE team_id = ? AND id = ? AND deleted_at IS NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }).stream().findFirst();
    }

    /** An application with its own variables and another feature's rows below it, as {@link #byIdWith} reads them. */
    record Read<T>(Application application, List<VariableRows.Row> variables, List<T> related) {}

    /** The variables' columns as {@link VariableRows#row} reads them, typed even when null (see {@link #byIdWith}). */
    private static final String VARIABLE_NULLS = VariableRows.COLUMNS.stream()
            .map(column -> "(NULL::environment_variables)." + column).collect(java.util.stream.Collectors.joining(", "));
    /** The variables' columns as shown: without their sealed values, which only writes need. */
    private static final String VARIABLES_SHOWN = VariableRows.COLUMNS.stream()
            .map(column -> column.equals("value_sealed") ? "NULL" : "v." + column).collect(java.util.stream.Collectors.joining(", "));
    private static final int APPLICATION_COLUMNS = COLUMNS.split(", ").length;
    private static final String APPLICATION_NULLS = String.join(", ", java.util.Collections.nCopies(APPLICATION_COLUMNS, "NULL"));
    /** Where each kind of row starts: column 1 tells the kind, column 2 the order within it. */
    private static final int APPLICATION_AT = 3;
    private static final int VARIABLES_AT = APPLICATION_AT + APPLICATION_COLUMNS;
    private static final int PART_AT = VARIABLES_AT + VariableRows.COLUMNS.size();

    /**
     * {@link #byId} and, in the same statement, the application's own variables (when {@code variables}; without their
     * sealed values, which only writes need) and {@code part}'s rows (when given): a query showing an application
     * with both costs one round trip instead of three. One {@code UNION ALL} of the three kinds of rows, each in its
     * own columns; PostgreSQL types a nested union's columns pair by pair, so the part comes first (its columns typed)
     * and the variables' columns are typed nulls elsewhere.
     */
    <T> Optional<Read<T>> byIdWith(UUID teamId, UUID id, boolean variables, @io.micronaut.core.annotation.Nullable ApplicationReadAhead.Part<T> part) {
        var partNulls = part == null ? "" : ", " + String.join(", ", java.util.Collections.nCopies(part.columns(), "NULL"));
        var sql = new StringBuilder("WITH a AS MATERIALIZED (SELECT " + COLUMNS + " FROM applications WHERE team_id = ? AND id = ? AND deleted_at IS NULL)\n");
        if (part != null) {
            sql.append("SELECT 2, row_number() OVER (ORDER BY ").append(part.order()).append("), ").append(APPLICATION_NULLS).append(", ")
                    .append(VARIABLE_NULLS).append(", d.* FROM a, LATERAL (").append(part.rows()).append(") d\nUNION ALL\n");
        }
        sql.append("SELECT 0, 0, a.*, ").append(VARIABLE_NULLS).append(partNulls).append(" FROM a\n");
        if (variables) {
            sql.append("UNION ALL\nSELECT 1, row_number() OVER (ORDER BY v.key), ").append(APPLICATION_NULLS)
                    .append(", ").append(VARIABLES_SHOWN).append(partNulls)
                    .append(" FROM a JOIN environment_variables v ON v.team_id = a.team_id AND v.scope_id = a.id\n");
        }
        sql.append("ORDER BY 1, 2");
        Application[] application = {null};
        var own = new java.util.ArrayList<VariableRows.Row>();
        var related = new java.util.ArrayList<T>();
        Statements.list(jdbc, sql.toString(), s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
            if (part != null) part.bind(s, 3);
        }, rows -> {
            switch (rows.getInt(1)) {
                case 0 -> application[0] = read(rows, APPLICATION_AT);
                case 1 -> own.add(VariableRows.row(rows, VARIABLES_AT));
                default -> related.add(part.read(rows, PART_AT));
            }
            return Boolean.TRUE;
        });
        if (application[0] == null) return Optional.empty();
        return Optional.of(new Read<>(application[0], List.copyOf(own), List.copyOf(related)));
    }

    /** Also a deleted one (the teardown job reads it). */
    Optional<Application> anyById(UUID teamId, UUID id) {
        return select("SELECT " + COLUMNS + " FROM applications WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }).stream().findFirst();
    }

    List<Application> byIds(UUID teamId, Collection<UUID> ids) {
        return select("SELECT " + COLUMNS + " FROM applications WHERE team_id = ? AND id = ANY (?) AND deleted_at IS NULL", s -> {
            s.setObject(1, teamId);
            s.setArray(2, s.getConnection().createArrayOf("uuid", ids.toArray()));
        });
    }

    /** Up to {@code limit} applications of each environment after {@code after}, in id order. */
    List<Application> pageOf(UUID teamId, Collection<UUID> environmentIds, UUID after, int limit) {
        return select(PAGES_OF, s -> {
            s.setArray(1, s.getConnection().createArrayOf("uuid", environmentIds.toArray()));
            s.setObject(2, teamId);
            s.setObject(3, after);
            s.setInt(4, limit);
        });
    }

    /** Locks the application's row for the caller's transaction (a change and a pin learned meanwhile do not cross). */
    void lock(UUID teamId, UUID id) {
        Statements.list(jdbc, "SELECT 1 FROM applications WHERE id = ? AND team_id = ? FOR UPDATE", s -> {
            s.setObject(1, id);
            s.setObject(2, teamId);
        }, rows -> 1);
    }

    /** Sets the git source's host key when it has none and still names {@code repository}. */
    void pinGitHostKey(UUID teamId, UUID id, String repository, String key) {
        update("""
                UPDATE applications SET source = jsonb_set(source, '{hostKey}', to_jsonb(?::text)), updated_at = now()
                 WHERE id = ? AND team_id = ? AND source ->> 'type' = 'git' AND source ->> 'repository' = ? AND source ->> 'hostKey' IS NULL""", s -> {
            s.setString(1, key);
            s.setObject(2, id);
            s.setObject(3, teamId);
            s.setString(4, repository);
        });
    }

    private void update(String sql, Statements.Binder binder) {
        Statements.update(jdbc, sql, binder);
    }

    private List<Application> select(String sql, Statements.Binder binder) {
        return Statements.list(jdbc, sql, binder, this::read);
    }

    private Application read(ResultSet rows) throws SQLException {
        return read(rows, 1);
    }

    /** An application from {@link #COLUMNS}, the first at {@code at}. */
    private Application read(ResultSet rows, int at) throws SQLException {
        return new Application(uuid(rows, at), uuid(rows, at + 1), uuid(rows, at + 2), uuid(rows, at + 3), uuid(rows, at + 4), rows.getString(at + 5),
                JsonColumn.of(rows.getString(at + 6), json, sourceType), JsonColumn.of(rows.getString(at + 7), json, settingsType),
                Application.Status.valueOf(rows.getString(at + 8)), instant(rows, at + 9), instant(rows, at + 10),
                container(rows.getString(at + 11)));
    }

    private ContainerState container(String stored) {
        if (stored == null) return null;
        try {
            return json.readValue(stored, ContainerState.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Records what the server shows of the application's current container, if its status is still {@code seen} and
     * its latest successful deployment still {@code deploymentId} (compare-and-set: a stop, start or deployment that
     * changed either meanwhile wins); true when the row changed.
     */
    public boolean observed(UUID teamId, UUID id, Application.Status seen, UUID deploymentId, Application.Status status, ContainerState container) {
        return Statements.update(jdbc, """
                UPDATE applications SET status = ?, container = ?::jsonb
                 WHERE id = ? AND team_id = ? AND deleted_at IS NULL AND status = ?
                   AND (status <> ? OR container IS NULL OR (container - 'observedAt') <> (?::jsonb - 'observedAt'))
                   AND ? = (SELECT d.id FROM deployments d WHERE d.team_id = applications.team_id AND d.application_id = applications.id
                             AND d.status = 'SUCCEEDED' ORDER BY d.number DESC LIMIT 1)""", s -> {
            var state = write(container);
            s.setString(1, status.name());
            s.setString(2, state);
            s.setObject(3, id);
            s.setObject(4, teamId);
            s.setString(5, seen.name());
            s.setString(6, status.name());
            s.setString(7, state);
            s.setObject(8, deploymentId);
        }) > 0;
    }

    /** The team's applications whose status follows their container (not those a deployment owns). */
    public List<ApplicationService.Watched> watched(UUID teamId) {
        return Statements.list(jdbc, "SELECT id, server_id FROM applications WHERE team_id = ? AND deleted_at IS NULL"
                + " AND status IN ('RUNNING', 'RESTARTING', 'EXITED', 'MISSING', 'STOPPED')", s -> s.setObject(1, teamId),
                r -> new ApplicationService.Watched(uuid(r, 1), uuid(r, 2)));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
