package dev.berth.application;

import dev.berth.storage.Statements;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** Environment variable rows, in the caller's transaction and team. {@code sealed} is the secret box's output. */
@Singleton
class VariableRows {
    record Row(EnvironmentVariable.Scope scope, UUID scopeId, String key, String value, String sealed, boolean secret, boolean buildTime) {}

    /** First key of Berth's advisory locks on variable scopes (the second is a hash of the scope id). */
    private static final int LOCK_SPACE = 0x7661; // "va"
    private final JdbcOperations jdbc;

    VariableRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** The columns {@link #row} reads, in its order. */
    static final List<String> COLUMNS = List.of("scope", "scope_id", "key", "value", "value_sealed", "secret", "build_time");
    private static final String OF = "SELECT " + String.join(", ", COLUMNS)
            + " FROM environment_variables WHERE team_id = ? AND scope_id = ANY (?) ORDER BY key";

    /** The rows of these scopes (team, project, environment and application ids), in key order. */
    List<Row> of(UUID teamId, List<UUID> scopeIds) {
        return Statements.list(jdbc, OF, s -> {
            s.setObject(1, teamId);
            s.setArray(2, s.getConnection().createArrayOf("uuid", scopeIds.toArray()));
        }, rows -> row(rows, 1));
    }

    /** A row from {@link #COLUMNS}, the first at {@code at}. */
    static Row row(java.sql.ResultSet rows, int at) throws java.sql.SQLException {
        return new Row(EnvironmentVariable.Scope.valueOf(rows.getString(at)), rows.getObject(at + 1, UUID.class), rows.getString(at + 2),
                rows.getString(at + 3), rows.getString(at + 4), rows.getBoolean(at + 5), rows.getBoolean(at + 6));
    }

    /**
     * Holds one scope for the rest of the caller's transaction: two replacements of the same scope run one after the
     * other (without it, both delete, both insert, and the second fails on the primary key or mixes the two sets).
     */
    void lock(UUID scopeId) {
        Statements.one(jdbc, "SELECT pg_advisory_xact_lock(" + LOCK_SPACE + ", hashtext(?::text))", s -> s.setString(1, scopeId.toString()), rows -> 1);
    }

    /**
     * Makes a scope's set {@code rows} in the caller's transaction, given its current set {@code old} (read under
     * {@link #lock}): keys no longer listed go, new and changed rows are written, unchanged rows are left alone.
     * Answers whether anything changed.
     */
    boolean replace(UUID teamId, EnvironmentVariable.Scope scope, UUID scopeId, List<Row> old, List<Row> rows) {
        var keys = rows.stream().map(Row::key).collect(Collectors.toSet());
        boolean removing = old.stream().anyMatch(row -> !keys.contains(row.key()));
        if (removing) {
            Statements.update(jdbc, "DELETE FROM environment_variables WHERE team_id = ? AND scope_id = ? AND NOT (key = ANY (?))", s -> {
                s.setObject(1, teamId);
                s.setObject(2, scopeId);
                s.setArray(3, s.getConnection().createArrayOf("text", keys.toArray()));
            });
        }
        var changed = rows.stream().filter(row -> !old.contains(row)).toList();
        if (changed.isEmpty()) return removing;
        jdbc.prepareStatement("""
                INSERT INTO environment_variables (team_id, scope, scope_id, key, value, value_sealed, secret, build_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scope_id, key) DO UPDATE SET value = excluded.value, value_sealed = excluded.value_sealed,
                    secret = excluded.secret, build_time = excluded.build_time""", s -> {
            for (var row : changed) {
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
        return true;
    }

    /** Removes an application's variables with it. */
    void removeScope(UUID teamId, UUID scopeId) {
        Statements.update(jdbc, "DELETE FROM environment_variables WHERE team_id = ? AND scope_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, scopeId);
        });
    }
}
