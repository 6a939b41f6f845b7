package dev.berth.deployment;

import java.util.List;
import java.util.UUID;

/**
 * Where a resumable log is kept and announced: a deployment's, or a backup's. Lines are numbered per subject from 1
 * without gaps, stored before they are published on the subject's channel; {@link LogWriter} writes one,
 * {@link DeploymentLogs} follows one.
 */
public interface LogStore {
    /** Stores lines (a batch stored again changes nothing). */
    void append(UUID teamId, UUID subjectId, List<LogLine> lines);

    /** Stored lines after {@code afterSeq}, in order, at most {@code limit}. */
    List<LogLine> after(UUID teamId, UUID subjectId, long afterSeq, int limit);

    /** The Redis channel its batches are published on. */
    String channel(UUID teamId, UUID subjectId);
}
