package dev.berth.api;

import dev.berth.errors.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;
import java.util.UUID;

/**
 * Where {@link MutationTransactions} sends what it audits; the audit feature implements it, so the transport
 * never depends on the feature (and no package cycle forms).
 */
public interface AuditSink {

    /** What to record; {@code details} must already be free of secrets. */
    record Entry(String action, @Nullable UUID teamId, @Nullable UUID actorId, @Nullable String resourceType,
                 @Nullable String resourceId, Map<String, Object> details) {}

    /**
     * Writes the entry in the current transaction, which from here on acts in the entry's team; answers whether the
     * transaction has changed credentials so far (read in the same round trip).
     */
    boolean record(Viewer viewer, Entry entry);

    /** Records a refused attempt in a transaction of its own; never throws. */
    void refused(Viewer viewer, String action, ErrorCode code, @Nullable UUID teamId);
}
