package dev.berth.database;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

import dev.berth.api.Viewer;
import dev.berth.application.Application;
import dev.berth.application.ApplicationService;
import dev.berth.errors.ConflictException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.secrets.Secret;
import dev.berth.storage.InTeam;
import dev.berth.storage.Statements;
import dev.berth.storage.UniqueViolation;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Databases linked to applications, so a web app and its database deploy together: at every deploy, a linked
 * database's connection URL, password included, is resolved then (its current password, host and port) and reaches
 * the container as a secret variable (sealed in the deployment, masked in its log). Only a database of the
 * application's own environment links, and only on the same server (its internal URL) or published (its public URL).
 */
@Singleton
public class DatabaseLinks {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
    private static final String COLUMNS = "application_id, key, database_id, team_id, created_at";

    private final JdbcOperations jdbc;
    private final DatabaseService databases;
    private final ApplicationService applications;

    DatabaseLinks(JdbcOperations jdbc, DatabaseService databases, ApplicationService applications) {
        this.jdbc = jdbc;
        this.databases = databases;
        this.applications = applications;
    }

    @InTeam
    public DatabaseLink link(Viewer viewer, UUID applicationId, UUID databaseId, String key) {
        if (!viewer.scopes().contains(dev.berth.api.Scope.SECRETS_READ)) { // it hands the credentials over, as revealing them does
            throw new dev.berth.errors.ForbiddenException("Linking a database needs the secrets:read scope.");
        }
        if (!KEY.matcher(key).matches()) throw new InvalidInputException("input.key", "use [A-Za-z_][A-Za-z0-9_]*, at most 256 characters");
        var application = applications.get(viewer, applicationId);
        var database = databases.get(viewer, databaseId);
        if (!database.environmentId().equals(application.environmentId())) {
            throw new InvalidInputException("input.databaseId", "the database is in another environment than the application");
        }
        var link = new DatabaseLink(application.id(), key, database.id(), viewer.teamId(), Instant.now());
        UniqueViolation.orConflict(() -> Statements.update(jdbc, "INSERT INTO database_links (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)", s -> {
            s.setObject(1, link.applicationId());
            s.setString(2, link.key());
            s.setObject(3, link.databaseId());
            s.setObject(4, link.teamId());
            s.setObject(5, java.sql.Timestamp.from(link.createdAt()));
        }), "The application has a database linked as " + key + " already.");
        return link;
    }

    /** Unlinks what the application receives as {@code key}; NOT_FOUND when nothing is linked there. */
    @InTeam
    public String unlink(Viewer viewer, UUID applicationId, String key) {
        applications.get(viewer, applicationId);
        int removed = Statements.update(jdbc, "DELETE FROM database_links WHERE team_id = ? AND application_id = ? AND key = ?", s -> {
            s.setObject(1, viewer.teamId());
            s.setObject(2, applicationId);
            s.setString(3, key);
        });
        if (removed == 0) throw new NotFoundException("DatabaseLink", applicationId);
        return key;
    }

    @InTeam(readOnly = true)
    public List<DatabaseLink> of(Viewer viewer, UUID applicationId) {
        return Statements.list(jdbc, "SELECT " + COLUMNS + " FROM database_links WHERE team_id = ? AND application_id = ? ORDER BY key", s -> {
            s.setObject(1, viewer.teamId());
            s.setObject(2, applicationId);
        }, r -> new DatabaseLink(uuid(r, 1), r.getString(2), uuid(r, 3), uuid(r, 4), instant(r, 5)));
    }

    /**
     * What the application's linked databases give its container now, by key: each URL with its password, from the
     * application's server (the internal URL on the same server, the public one when published elsewhere).
     *
     * @throws ConflictException when a linked database runs on another server and is not published
     */
    @InTeam(readOnly = true)
    public Map<String, Secret> environment(Viewer viewer, Application application) {
        var values = new LinkedHashMap<String, Secret>();
        for (var link : of(viewer, application.id())) {
            var database = databases.get(viewer, link.databaseId());
            values.put(link.key(), databases.connectionUrl(viewer, database, application.serverId()));
        }
        return values;
    }
}
