package dev.berth.registry;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.ArrayList;
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
        jdbc.prepareStatement("INSERT INTO registries (id, team_id, host, username, password_sealed) VALUES (?, ?, ?, ?, ?)", s -> {
            s.setObject(1, r.id());
            s.setObject(2, r.teamId());
            s.setString(3, r.host());
            s.setString(4, r.username());
            s.setString(5, r.passwordSealed());
            return s.executeUpdate();
        });
    }

    void delete(UUID teamId, UUID id) {
        jdbc.prepareStatement("DELETE FROM registries WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
            return s.executeUpdate();
        });
    }

    List<Registry> all(UUID teamId) {
        return select("SELECT " + COLUMNS + " FROM registries WHERE team_id = ? ORDER BY host, username", teamId, null);
    }

    Optional<Registry> byId(UUID teamId, UUID id) {
        return select("SELECT " + COLUMNS + " FROM registries WHERE team_id = ? AND id = ?", teamId, id).stream().findFirst();
    }

    private List<Registry> select(String sql, UUID teamId, UUID id) {
        return jdbc.prepareStatement(sql, s -> {
            s.setObject(1, teamId);
            if (id != null) s.setObject(2, id);
            var out = new ArrayList<Registry>();
            try (var rows = s.executeQuery()) {
                while (rows.next()) {
                    out.add(new Registry(uuid(rows, 1), uuid(rows, 2), rows.getString(3), rows.getString(4), rows.getString(5), instant(rows, 6)));
                }
            }
            return out;
        });
    }
}
