package dev.berth.identity;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface ApiTokenRepository extends CrudRepository<ApiToken, UUID> {
    Optional<ApiToken> findByTokenHash(String tokenHash);

    Optional<ApiToken> findByIdAndTeamId(UUID id, UUID teamId);

    List<ApiToken> findByTeamIdOrderById(UUID teamId);

    List<ApiToken> findByTeamIdAndUserIdOrderById(UUID teamId, UUID userId);

    @Query("UPDATE api_tokens SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL")
    int revoke(UUID id);
}
