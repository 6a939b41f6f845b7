package dev.berth.server;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Team-scoped finders of the server package; row-level security backs each one up. */
final class ServerRepositories {
    private ServerRepositories() {}

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface PrivateKeyRepository extends CrudRepository<PrivateKey, UUID> {
        Optional<PrivateKey> findByIdAndTeamId(UUID id, UUID teamId);

        List<PrivateKey> findByTeamIdOrderByName(UUID teamId);

        List<PrivateKey> findByTeamIdAndIdIn(UUID teamId, Collection<UUID> ids);
    }

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface ServerRepository extends CrudRepository<Server, UUID> {
        Optional<Server> findByIdAndTeamId(UUID id, UUID teamId);

        List<Server> findByTeamIdOrderByName(UUID teamId);

        boolean existsByPrivateKeyId(UUID privateKeyId);
    }
}
