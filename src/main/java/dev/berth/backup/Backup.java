package dev.berth.backup;

import dev.berth.database.EngineKind;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/** One backup of a database: a dump streamed to a destination (or uploaded by the client: imported), and the restore of it asked for last. */
public record Backup(UUID id, UUID teamId, UUID databaseId, @Nullable UUID destinationId, EngineKind engine, Status status, String objectKey,
                     @Nullable Long sizeBytes, @Nullable String sha256, @Nullable String detail, @Nullable Status restoreStatus,
                     @Nullable String restoreDetail, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt,
                     @Nullable Status verifyStatus, @Nullable String verification, @Nullable Instant verifiedAt, boolean verifyRequested,
                     boolean imported) {
    public enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED;

        boolean busy() {
            return this == QUEUED || this == RUNNING;
        }
    }

    /** Whether nothing of it (the backup, a verification, a restore) is queued or running. */
    boolean idle() {
        return !status.busy() && (verifyStatus == null || !verifyStatus.busy()) && (restoreStatus == null || !restoreStatus.busy());
    }
}
