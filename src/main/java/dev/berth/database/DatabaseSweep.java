package dev.berth.database;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.berth.api.Viewer;
import dev.berth.identity.TeamService;
import dev.berth.jobs.JobQueue;
import dev.berth.jobs.RecurringJob;
import dev.berth.storage.TeamTransactions;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every 30 s, one node re-queues the converge job of each database whose latest change no job has seen through and
 * none is queued for: a change queued while a run was finishing (its queueing is dropped while the run's job exists,
 * and the run may have read the row before the change) is acted on within a round.
 */
@Singleton
final class DatabaseSweep implements RecurringJob {
    static final String TASK = "database-sweep";
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSweep.class);

    private final TeamService teams;
    private final TeamTransactions transactions;
    private final DatabaseRows rows;
    private final JobQueue jobs;

    DatabaseSweep(TeamService teams, TeamTransactions transactions, DatabaseRows rows, JobQueue jobs) {
        this.teams = teams;
        this.transactions = transactions;
        this.rows = rows;
        this.jobs = jobs;
    }

    @Override
    public RecurringTask<?> task() {
        return Tasks.recurring(TASK, FixedDelay.of(Duration.ofSeconds(30))).execute((instance, context) -> round());
    }

    /** One round over every team; answers how many jobs it queued. */
    int round() {
        int queued = 0;
        for (var teamId : teams.allTeamIds()) {
            var system = Viewer.system(teamId, TASK);
            try {
                for (var id : transactions.read(system, () -> rows.unobserved(teamId))) {
                    var instance = JobQueue.instance(teamId, id);
                    boolean added = transactions.write(system, () -> {
                        if (jobs.exists(DatabaseJob.TASK, instance)) return false;
                        jobs.enqueue(DatabaseJob.TASK, instance, Instant.now());
                        return true;
                    });
                    if (added) {
                        LOG.info("event=database-requeued database={}", id);
                        queued++;
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("event=database-sweep-failed team={} error={}", teamId, e.getClass().getSimpleName());
            }
        }
        return queued;
    }
}
