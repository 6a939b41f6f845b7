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
     * Writes the entry in the current transaction, which from here on acts in the entry's team; the row goes with the
     * transaction's COMMIT where nothing follows it. The answer tells, once the transaction committed, whether it
     * changed credentials (read in the row's round trip).
     */
    Recorded record(Viewer viewer, Entry entry);

    /** What {@link #record} learnt with the row. */
    interface Recorded {
        /** Whether the transaction changed credentials (tokens, sessions, memberships, users); final once it committed. */
        boolean credentialsChanged();
    }

    /** Records a refused attempt in a transaction of its own; never throws. */
    void refused(Viewer viewer, String action, ErrorCode code, @Nullable UUID teamId);
}
