package dev.berth.deployment;

import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.UUID;

/**
 * Published on {@code berth:<team>:deployment-logs:<deployment>} after its lines were stored. The last message of a
 * deployment carries {@code endSeq}: the seq of its last line (0 for none); followers stop there.
 */
public record LogBatch(UUID deploymentId, List<LogLine> lines, @Nullable Long endSeq) {
    public LogBatch {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    /** Roughly what the batch weighs in memory, for bounded buffers: its text and a little per line. */
    public long bytes() {
        long total = 64;
        for (var line : lines) total += line.text().length() + 48L;
        return total;
    }
}
