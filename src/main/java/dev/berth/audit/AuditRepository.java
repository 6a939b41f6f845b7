package dev.berth.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface AuditRepository extends CrudRepository<AuditEvent, UUID> {

    /** Newest first, keyset-paged by id; every filter is optional; {@code search} is web-search syntax. */
    @Query("""
            SELECT id, team_id, actor_id, token_id, action, resource_type, resource_id, details, ip, user_agent, occurred_at, refused_code
            FROM audit_events
            WHERE team_id = :teamId AND id < :before
              AND (CAST(:action AS text) IS NULL OR action = :action)
              AND (CAST(:resourceType AS text) IS NULL OR resource_type = :resourceType)
              AND (CAST(:resourceId AS text) IS NULL OR resource_id = :resourceId)
              AND (CAST(:actorId AS uuid) IS NULL OR actor_id = CAST(:actorId AS uuid))
              AND (CAST(:from AS timestamptz) IS NULL OR occurred_at >= CAST(:from AS timestamptz))
              AND (CAST(:to AS timestamptz) IS NULL OR occurred_at < CAST(:to AS timestamptz))
              AND (CAST(:search AS text) IS NULL OR search @@ websearch_to_tsquery('simple', :search))
            ORDER BY id DESC LIMIT :limit""")
    List<AuditEvent> page(UUID teamId, UUID before, @Nullable String action, @Nullable String resourceType,
                          @Nullable String resourceId, @Nullable UUID actorId, @Nullable Instant from,
                          @Nullable Instant to, @Nullable String search, int limit);
}
