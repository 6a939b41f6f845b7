package dev.berth.identity;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Repositories of the identity package (users, memberships, sessions); none is used outside it. */
final class IdentityRepositories {
    private IdentityRepositories() {}

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface UserRepository extends CrudRepository<User, UUID> {
        Optional<User> findByEmailNormalized(String emailNormalized);

        List<User> findByIdIn(java.util.Collection<UUID> ids);

        @Query("SELECT count(*) FROM users")
        long countAll();

        /** Serialises sign-ups, so exactly one account can become the first (instance admin). */
        @Query("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(7261934)) AS locked")
        long lockSignUps();
    }

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface MembershipRepository extends CrudRepository<Membership, UUID> {
        Optional<Membership> findByTeamIdAndUserId(UUID teamId, UUID userId);

        List<Membership> findByUserIdOrderByCreatedAt(UUID userId);

        List<Membership> findByTeamIdOrderByCreatedAt(UUID teamId);

        @Query("SELECT count(*) FROM memberships WHERE team_id = :teamId AND role = 'OWNER'")
        long countOwners(UUID teamId);

        /** Serialises role changes of one team, so two demotions cannot both see "another owner remains". */
        @Query("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(CAST(:teamId AS text)))) AS locked")
        long lockTeam(UUID teamId);
    }

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface SessionRepository extends CrudRepository<Session, UUID> {
        @Query("UPDATE sessions SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL")
        int revoke(UUID id);

        @Query("UPDATE sessions SET revoked_at = now() WHERE user_id = :userId AND id <> :keep AND revoked_at IS NULL")
        int revokeOthers(UUID userId, UUID keep);
    }

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface RefreshTokenRepository extends CrudRepository<RefreshToken, String> {
        /** Marks the token used; 0 rows when it was already used (a replay). */
        @Query("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = :tokenHash AND used_at IS NULL")
        int use(String tokenHash);
    }
}
