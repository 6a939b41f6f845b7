package dev.berth.jobs;

import com.github.kagkarlsson.scheduler.task.Task;

/**
 * A kind of background work run by the job engine. Each feature declares its jobs as beans; the engine registers
 * them all. A job's instance id is {@code <team>:<id>} (see {@link JobQueue}), so it acts in its team.
 */
public interface Job {
    Task<?> task();
}
