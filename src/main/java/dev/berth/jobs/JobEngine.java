package dev.berth.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import dev.berth.events.EventBus;
import dev.berth.storage.DatabasePool;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.util.retry.Retry;

/**
 * The one job engine: db-scheduler over Berth's PostgreSQL ({@code scheduled_tasks}). Nodes poll with
 * {@code FOR UPDATE SKIP LOCKED}; a running job carries its node's heartbeat, and a job whose node stopped beating
 * is revived on another node. Every node listens on {@code berth:wake:jobs} and looks for due work as soon as any
 * node queued some, so a queued job starts within milliseconds rather than at the next poll.
 */
@Singleton
public final class JobEngine {
    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);

    private final Scheduler scheduler;
    private final JobsProperties properties;
    private final EventBus bus;
    private final String node;
    private volatile Disposable wakeUps;

    JobEngine(DatabasePool pool, JobsProperties properties, List<Job> jobs, List<RecurringJob> recurring, EventBus bus) {
        this.properties = properties;
        this.bus = bus;
        this.node = "berth-" + UUID.randomUUID().toString().substring(0, 8);
        var tasks = new ArrayList<Task<?>>();
        jobs.forEach(job -> tasks.add(job.task()));
        var startTasks = recurring.stream().map(RecurringJob::task).filter(Objects::nonNull).toList();
        this.scheduler = Scheduler.create(pool.hikari(), tasks)
                .startTasks(new ArrayList<RecurringTask<?>>(startTasks))
                .schedulerName(new SchedulerName.Fixed(node))
                .threads(properties.threads())
                .heartbeatInterval(properties.heartbeat())
                .missedHeartbeatsLimit(properties.missedHeartbeats())
                .pollingInterval(properties.pollingInterval())
                .pollUsingLockAndFetch(0.5, 1.0)
                .shutdownMaxWait(Duration.ofSeconds(5))
                .build();
    }

    /** This node's name in {@code scheduled_tasks.picked_by}. */
    public String node() {
        return node;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (!properties.enabled()) return;
        wakeUps = bus.subscribe(JobQueued.CHANNEL, JobQueued.class)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(10)))
                .subscribe(queued -> scheduler.triggerCheckForDueExecutions(),
                        error -> LOG.warn("event=job-wakeups-ended error={}", error.getClass().getSimpleName()));
        scheduler.start();
        LOG.info("event=jobs-started node={}", node);
    }

    /** Looks for due work now (after this node queued some, or when a test wants it). */
    public void wake() {
        scheduler.triggerCheckForDueExecutions();
    }

    @PreDestroy
    void stop() {
        if (wakeUps != null) wakeUps.dispose();
        scheduler.stop();
    }
}
