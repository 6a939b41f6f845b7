package dev.berth.jobs;

import jakarta.inject.Singleton;

/**
 * Whether this node has begun to stop. Set before the job engine interrupts its running jobs, so a job that fails
 * under the stop (an interrupted Docker call, an SSH channel closed mid-read) can tell that failure from a real one
 * and hand its work over instead of ending it.
 */
@Singleton
public final class NodeStopping {
    private volatile boolean stopping;

    void begin() {
        stopping = true;
    }

    /** True once the node stops, or when the calling thread was interrupted (the engine stopping it). */
    public boolean now() {
        return stopping || Thread.currentThread().isInterrupted();
    }
}
