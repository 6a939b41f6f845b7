package dev.berth.identity;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface InvitationRepository extends CrudRepository<Invitation, UUID> {
    Optional<Invitation> findByTokenHash(String tokenHash);

    List<Invitation> findByTeamIdAndAcceptedAtIsNullOrderByCreatedAt(UUID teamId);

    /** Marks the invitation used; 0 rows when it already was (single use under concurrency). */
    @Query("UPDATE invitations SET accepted_at = now() WHERE id = :id AND accepted_at IS NULL")
    int accept(UUID id);
}
