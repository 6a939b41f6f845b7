package dev.berth.audit;

import dev.berth.api.Viewer;
import dev.berth.storage.Ids;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Writes audit events inside the caller's transaction and announces them once it commits. */
@Singleton
public class AuditLog {
    private final AuditRepository events;
    private final ApplicationEventPublisher<AuditRecorded> recorded;
    private final dev.berth.storage.Tenancy tenancy;

    AuditLog(AuditRepository events, ApplicationEventPublisher<AuditRecorded> recorded, dev.berth.storage.Tenancy tenancy) {
        this.events = events;
        this.recorded = recorded;
        this.tenancy = tenancy;
    }

    /** What to record; {@code details} must already be free of secrets. */
    public record Entry(String action, @Nullable UUID teamId, @Nullable UUID actorId, @Nullable String resourceType,
                        @Nullable String resourceId, Map<String, Object> details) {}

    /** Writes the entry in the current transaction, which from here on acts in the entry's team. */
    public AuditEvent record(Viewer viewer, Entry entry) {
        tenancy.enter(entry.teamId());
        var event = events.save(new AuditEvent(Ids.next(), entry.teamId(), entry.actorId(), viewer.tokenId(), entry.action(),
                entry.resourceType(), entry.resourceId(), entry.details(), viewer.client().ip(), viewer.client().userAgent(),
                Instant.now()));
        if (event.teamId() != null) recorded.publishEvent(new AuditRecorded(event.teamId(), event.id()));
        return event;
    }
}
