package dev.berth.deployment;

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
 * Hands on every application's queue now and then, so that no QUEUED deployment waits without a job whatever happened
 * to the one before it (a node that died between two transactions, a job removed by hand), and gives a started
 * deployment whose job is gone a new one: a recurring job of the job engine, run by one node per round.
 */
@Singleton
final class DeploymentQueueReconciler implements RecurringJob {
    static final String TASK = "deployment-queue";
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentQueueReconciler.class);

    private final TeamService teams;
    private final TeamTransactions transactions;
    private final DeploymentRows rows;
    private final DeploymentQueue queue;
    private final JobQueue jobs;

    DeploymentQueueReconciler(TeamService teams, TeamTransactions transactions, DeploymentRows rows, DeploymentQueue queue, JobQueue jobs) {
        this.jobs = jobs;
        this.teams = teams;
        this.transactions = transactions;
        this.rows = rows;
        this.queue = queue;
    }

    @Override
    public RecurringTask<?> task() {
        return Tasks.recurring(TASK, FixedDelay.of(Duration.ofSeconds(30))).execute((instance, context) -> round());
    }

    /** One round over every team; answers how many applications' queues it looked at. */
    int round() {
        int seen = 0;
        for (var teamId : teams.allTeamIds()) {
            var system = Viewer.system(teamId, "deployment-queue");
            try {
                var applications = transactions.read(system, () -> rows.applicationsWithQueued(teamId));
                for (var applicationId : applications) { // one transaction (one application's lock) at a time
                    transactions.write(system, () -> queue.handOn(teamId, applicationId));
                    seen++;
                }
                // a started deployment whose job is gone (its node failed even to record the failure): revived, as a
                // takeover, by a new job (the attempts bound ends it FAILED if it keeps failing)
                for (var running : transactions.read(system, () -> rows.running(teamId))) {
                    transactions.write(system, () -> {
                        var instance = JobQueue.instance(teamId, running.id());
                        if (!jobs.exists(DeployJob.TASK, instance)) {
                            LOG.warn("event=deployment-revived deployment={}", running.id());
                            jobs.enqueue(DeployJob.TASK, instance, Instant.now());
                        }
                        return null;
                    });
                }
            } catch (RuntimeException e) {
                LOG.warn("event=queue-reconcile-failed team={} error={}", teamId, e.getClass().getSimpleName());
            }
        }
        return seen;
    }
}
