package dev.berth.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import dev.berth.storage.DatabasePool;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one job engine: db-scheduler over Berth's PostgreSQL ({@code scheduled_tasks}). Nodes poll with
 * {@code FOR UPDATE SKIP LOCKED}; a running job carries its node's heartbeat, and a job whose node stopped beating
 * is revived on another node. Every node listens on {@code berth:wake:jobs} and looks for due work as soon as any
 * node queued some, so a queued job starts within milliseconds rather than at the next poll. The wake-ups have a
 * pub/sub connection of their own, which Lettuce re-subscribes after an outage by itself: they never touch the
 * event bus's bookkeeping of subscriptions (and a missed wake-up only costs a poll interval).
 */
@Singleton
public final class JobEngine {
    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);

    private final Scheduler scheduler;
    private final JobsProperties properties;
    private final RedisClient redis;
    private final String node;
    private final NodeStopping stopping;
    private volatile StatefulRedisPubSubConnection<String, String> wakeUps;

    JobEngine(DatabasePool pool, JobsProperties properties, List<Job> jobs, List<RecurringJob> recurring, RedisClient redis, NodeStopping stopping) {
        this.properties = properties;
        this.stopping = stopping;
        this.redis = redis;
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
                .shutdownMaxWait(properties.shutdownWait())
                .build();
    }

    /** This node's name in {@code scheduled_tasks.picked_by}. */
    public String node() {
        return node;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (!properties.enabled()) return;
        try {
            var connection = redis.connectPubSub();
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    scheduler.triggerCheckForDueExecutions();
                }
            });
            connection.sync().subscribe(JobQueued.CHANNEL);
            wakeUps = connection;
        } catch (RuntimeException e) {
            LOG.warn("event=job-wakeups-unavailable error={} fallback=polling", e.getClass().getSimpleName());
        }
        scheduler.start();
        LOG.info("event=jobs-started node={}", node);
    }

    @PreDestroy
    void stop() {
        stopping.begin(); // before the engine interrupts its running jobs
        if (wakeUps != null) wakeUps.close();
        scheduler.stop();
    }
}
