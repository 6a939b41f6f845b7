package dev.berth.audit;

import dev.berth.api.Viewer;
import dev.berth.storage.Ids;
import dev.berth.storage.Tenancy;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Writes one audit row in the current transaction (which from here on acts in the row's team) and announces it
 * once that commits: the one place for changes that happened ({@link AuditLog}) and refused attempts
 * ({@link RefusalLog}).
 */
@Singleton
class AuditRows {
    private final AuditRepository events;
    private final ApplicationEventPublisher<AuditRecorded> recorded;
    private final Tenancy tenancy;

    AuditRows(AuditRepository events, ApplicationEventPublisher<AuditRecorded> recorded, Tenancy tenancy) {
        this.events = events;
        this.recorded = recorded;
        this.tenancy = tenancy;
    }

    /** {@code refusedCode} null for a change that happened, else the code the caller received. */
    void write(Viewer viewer, @Nullable UUID teamId, @Nullable UUID actorId, String action, @Nullable String resourceType,
               @Nullable String resourceId, Map<String, Object> details, @Nullable String refusedCode) {
        tenancy.enter(teamId);
        var event = events.save(new AuditEvent(Ids.next(), teamId, actorId, viewer.tokenId(), action, resourceType, resourceId,
                details, viewer.client().ip(), viewer.client().userAgent(), Instant.now(), refusedCode));
        if (teamId != null) recorded.publishEvent(new AuditRecorded(teamId, event.id()));
    }
}
