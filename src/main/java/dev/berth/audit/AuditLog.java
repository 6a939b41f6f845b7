package dev.berth.audit;

import dev.berth.api.AuditSink;
import dev.berth.api.Viewer;
import dev.berth.errors.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.UUID;

/** Writes audit events inside the caller's transaction and announces them once it commits; refusals go to {@link RefusalLog}. */
@Singleton
public class AuditLog implements AuditSink {
    private final AuditRows rows;
    private final RefusalLog refusals;

    AuditLog(AuditRows rows, RefusalLog refusals) {
        this.rows = rows;
        this.refusals = refusals;
    }

    @Override
    public Recorded record(Viewer viewer, Entry entry) {
        return rows.write(viewer, entry.teamId(), entry.actorId(), entry.action(), entry.resourceType(), entry.resourceId(), entry.details(), null);
    }

    @Override
    public void refused(Viewer viewer, String action, ErrorCode code, @Nullable UUID teamId) {
        refusals.record(viewer, action, code, teamId);
    }
}
