package dev.berth.registry;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

import dev.berth.storage.Statements;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Registry rows, in the caller's transaction and team. */
@Singleton
class RegistryRows {
    private static final String COLUMNS = "id, team_id, host, username, password_sealed, created_at";
    private final JdbcOperations jdbc;

    RegistryRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Registry r) {
        Statements.update(jdbc, "INSERT INTO registries (id, team_id, host, username, password_sealed) VALUES (?, ?, ?, ?, ?)", s -> {
            s.setObject(1, r.id());
            s.setObject(2, r.teamId());
            s.setString(3, r.host());
            s.setString(4, r.username());
            s.setString(5, r.passwordSealed());
        });
    }

    void delete(UUID teamId, UUID id) {
        Statements.update(jdbc, "DELETE FROM registries WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    List<Registry> all(UUID teamId) {
        return select("SELECT " + COLUMNS + " FROM registries WHERE team_id = ? ORDER BY host, username", teamId, null);
    }

    Optional<Registry> byId(UUID teamId, UUID id) {
        return select("SELECT " + COLUMNS + " FROM registries WHERE team_id = ? AND id = ?", teamId, id).stream().findFirst();
    }

    private List<Registry> select(String sql, UUID teamId, UUID id) {
        return Statements.list(jdbc, sql, s -> {
            s.setObject(1, teamId);
            if (id != null) s.setObject(2, id);
        }, rows -> new Registry(uuid(rows, 1), uuid(rows, 2), rows.getString(3), rows.getString(4), rows.getString(5), instant(rows, 6)));
    }
}
