package dev.berth.application;

import dev.berth.storage.Statements;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;

/** Environment variable rows, in the caller's transaction and team. {@code sealed} is the secret box's output. */
@Singleton
class VariableRows {
    record Row(EnvironmentVariable.Scope scope, UUID scopeId, String key, String value, String sealed, boolean secret, boolean buildTime) {}

    private final JdbcOperations jdbc;

    VariableRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** The rows of these scopes (team, project, environment and application ids), in key order. */
    List<Row> of(UUID teamId, List<UUID> scopeIds) {
        return Statements.list(jdbc, """
                SELECT scope, scope_id, key, value, value_sealed, secret, build_time FROM environment_variables
                WHERE team_id = ? AND scope_id = ANY (?) ORDER BY key""", s -> {
            s.setObject(1, teamId);
            s.setArray(2, s.getConnection().createArrayOf("uuid", scopeIds.toArray()));
        }, rows -> new Row(EnvironmentVariable.Scope.valueOf(rows.getString(1)), rows.getObject(2, UUID.class), rows.getString(3),
                rows.getString(4), rows.getString(5), rows.getBoolean(6), rows.getBoolean(7)));
    }

    /** Replaces the set of one scope: every old row goes, the new ones come, in the caller's transaction. */
    void replace(UUID teamId, EnvironmentVariable.Scope scope, UUID scopeId, List<Row> rows) {
        Statements.update(jdbc, "DELETE FROM environment_variables WHERE team_id = ? AND scope_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, scopeId);
        });
        if (rows.isEmpty()) return;
        jdbc.prepareStatement("""
                INSERT INTO environment_variables (team_id, scope, scope_id, key, value, value_sealed, secret, build_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", s -> {
            for (var row : rows) {
                s.setObject(1, teamId);
                s.setString(2, scope.name());
                s.setObject(3, scopeId);
                s.setString(4, row.key());
                s.setString(5, row.value());
                s.setString(6, row.sealed());
                s.setBoolean(7, row.secret());
                s.setBoolean(8, row.buildTime());
                s.addBatch();
            }
            return s.executeBatch();
        });
    }

    /** Removes an application's variables with it. */
    void removeScope(UUID teamId, UUID scopeId) {
        replace(teamId, EnvironmentVariable.Scope.APPLICATION, scopeId, List.of());
    }
}
