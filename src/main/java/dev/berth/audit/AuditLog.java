package dev.berth.audit;

import dev.berth.api.AuditSink;
import dev.berth.api.Viewer;
import dev.berth.errors.ErrorCode;
import dev.berth.storage.Ids;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Writes audit events inside the caller's transaction and announces them once it commits; refusals go to {@link RefusalLog}. */
@Singleton
public class AuditLog implements AuditSink {
    private final AuditRepository events;
    private final ApplicationEventPublisher<AuditRecorded> recorded;
    private final dev.berth.storage.Tenancy tenancy;
    private final RefusalLog refusals;

    AuditLog(AuditRepository events, ApplicationEventPublisher<AuditRecorded> recorded, dev.berth.storage.Tenancy tenancy, RefusalLog refusals) {
        this.refusals = refusals;
        this.events = events;
        this.recorded = recorded;
        this.tenancy = tenancy;
    }

    @Override
    public void record(Viewer viewer, Entry entry) {
        tenancy.enter(entry.teamId());
        var event = events.save(new AuditEvent(Ids.next(), entry.teamId(), entry.actorId(), viewer.tokenId(), entry.action(),
                entry.resourceType(), entry.resourceId(), entry.details(), viewer.client().ip(), viewer.client().userAgent(),
                Instant.now(), null));
        if (event.teamId() != null) recorded.publishEvent(new AuditRecorded(event.teamId(), event.id()));
    }

    @Override
    public void refused(Viewer viewer, String action, ErrorCode code, @Nullable UUID teamId) {
        refusals.record(viewer, action, code, teamId);
    }
}
