package dev.berth.deployment;

import dev.berth.jobs.JobQueue;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The one place an application's deployment queue is handed on. One deployment of an application runs at a time; the
 * others wait, QUEUED, in number order, and only the head of the queue ever has a job. Every path that changes the
 * queue (a deploy, a cancel, a run that ends, a run that finds its deployment already ended, the reconciler) calls
 * {@link #handOn} in its own transaction, which takes the application's row lock first: two of them never interleave,
 * and handing on twice is the same as once (a job already queued for the head stays the only one).
 */
@Singleton
final class DeploymentQueue {
    private final DeploymentRows rows;
    private final JobQueue jobs;

    DeploymentQueue(DeploymentRows rows, JobQueue jobs) {
        this.rows = rows;
        this.jobs = jobs;
    }

    /**
     * A deployment on the server ended, so there is room: the deployments whose jobs were put off for want of it
     * (the per-server limit) are moved to now and the nodes woken, instead of waiting for a later poll.
     */
    void roomOn(UUID teamId, UUID serverId) {
        jobs.runSoon(DeployJob.TASK, rows.waitingOn(teamId, serverId).stream().map(id -> JobQueue.instance(teamId, id)).toList());
    }

    /** Locks the application's queue for the caller's transaction (before reading what it then changes). */
    void lock(UUID teamId, UUID applicationId) {
        rows.lockApplication(teamId, applicationId);
    }

    /**
     * In the caller's transaction, under the application's lock: when nothing of the application runs, the head of
     * its queue gets its job. Answers the application's active deployments (running and queued, in order).
     */
    List<Deployment> handOn(UUID teamId, UUID applicationId) {
        lock(teamId, applicationId);
        var active = rows.active(teamId, applicationId);
        if (!active.isEmpty() && active.stream().allMatch(d -> d.status() == Deployment.Status.QUEUED)) {
            jobs.enqueue(DeployJob.TASK, JobQueue.instance(teamId, active.getFirst().id()), Instant.now()); // once at most
        }
        return active;
    }
}
