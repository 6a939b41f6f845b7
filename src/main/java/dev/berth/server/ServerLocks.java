package dev.berth.server;

import dev.berth.server.ServerRepositories.ServerRepository;
import dev.berth.storage.Statements;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;

/**
 * A server's row, locked until the transaction ends. Every write of the whole row (a change, a validation's outcome,
 * a pinned host key) reads it this way, so that none of them puts back what another has just changed.
 */
@Singleton
class ServerLocks {
    private final JdbcOperations jdbc;
    private final ServerRepository servers;

    ServerLocks(JdbcOperations jdbc, ServerRepository servers) {
        this.jdbc = jdbc;
        this.servers = servers;
    }

    /** Inside the caller's transaction; empty when the server is not the team's (or is gone). */
    Optional<Server> locked(UUID id, UUID teamId) {
        var found = Statements.list(jdbc, "SELECT 1 FROM servers WHERE id = ? AND team_id = ? FOR NO KEY UPDATE", s -> {
            s.setObject(1, id);
            s.setObject(2, teamId);
        }, r -> 1);
        return found.isEmpty() ? Optional.empty() : servers.findByIdAndTeamId(id, teamId);
    }
}
