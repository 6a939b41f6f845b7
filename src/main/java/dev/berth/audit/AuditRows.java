package dev.berth.audit;

import dev.berth.api.Viewer;
import dev.berth.api.AuditSink;
import dev.berth.storage.Ids;
import dev.berth.storage.Statements;
import dev.berth.storage.TeamTransactions;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/**
 * Writes one audit row in the current transaction (which from here on acts in the row's team) and announces it
 * once that commits: the one place for changes that happened ({@link AuditLog}) and refused attempts
 * ({@link RefusalLog}). The insert also answers, in the same round trip, whether the transaction changed credentials
 * so far (the triggers of migration V0017 mark it).
 */
@Singleton
class AuditRows {
    private static final String INSERT = """
            INSERT INTO audit_events (id, team_id, actor_id, token_id, action, resource_type, resource_id, details, ip,
                                      user_agent, occurred_at, refused_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?)
            RETURNING coalesce(current_setting('berth.credentials_changed', true), '') = 'on'""";

    private final JdbcOperations jdbc;
    private final ObjectMapper json;
    private final ApplicationEventPublisher<AuditRecorded> recorded;
    private final TeamTransactions tenancy;

    AuditRows(JdbcOperations jdbc, ObjectMapper json, ApplicationEventPublisher<AuditRecorded> recorded, TeamTransactions tenancy) {
        this.jdbc = jdbc;
        this.json = json;
        this.recorded = recorded;
        this.tenancy = tenancy;
    }

    /**
     * {@code refusedCode} null for a change that happened, else the code the caller received. The row is the
     * transaction's last statement ({@link Statements#atCommit}: it goes with the COMMIT, in its round trip, unless
     * the transaction does more first); the answer tells, once it ran, whether the transaction changed credentials
     * (tokens, sessions, memberships, users).
     */
    AuditSink.Recorded write(Viewer viewer, @Nullable UUID teamId, @Nullable UUID actorId, String action, @Nullable String resourceType,
                  @Nullable String resourceId, Map<String, Object> details, @Nullable String refusedCode) {
        tenancy.actIn(teamId);
        var id = Ids.next();
        String detailsJson;
        try {
            detailsJson = json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details are not JSON", e);
        }
        var occurredAt = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC); // when recorded, not when committed
        var credentialsChanged = new java.util.concurrent.atomic.AtomicBoolean();
        Statements.atCommit(jdbc, INSERT, statement -> {
            statement.setObject(1, id);
            statement.setObject(2, teamId);
            statement.setObject(3, actorId);
            statement.setObject(4, viewer.tokenId());
            statement.setString(5, action);
            statement.setString(6, resourceType);
            statement.setString(7, resourceId);
            statement.setString(8, detailsJson);
            statement.setString(9, viewer.client().ip());
            statement.setString(10, viewer.client().userAgent());
            statement.setObject(11, occurredAt);
            statement.setString(12, refusedCode);
        }, rows -> rows.getBoolean(1), true, changed -> credentialsChanged.set(Boolean.TRUE.equals(changed)));
        if (teamId != null) recorded.publishEvent(new AuditRecorded(teamId, id));
        return credentialsChanged::get;
    }
}
