package dev.berth.jobs;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;

/** Work that repeats on a schedule (the server probe, clean-ups): exactly one node runs each round. */
public interface RecurringJob {
    /** The task, or null when it is switched off by configuration. */
    RecurringTask<?> task();
}
