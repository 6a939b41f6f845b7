package dev.berth.server;

import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/** One step of a server validation; the last one carries the resulting status. Ids and plain values only. */
public record ValidationStep(UUID validationId, UUID serverId, int index, String step, boolean ok,
                             @Nullable String detail, @Nullable ServerStatus status) {
    boolean last() {
        return status != null;
    }
}
