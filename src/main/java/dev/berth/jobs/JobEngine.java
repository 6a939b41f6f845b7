package dev.berth.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import dev.berth.storage.DatabasePool;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    private final DatabasePool pool;
    private final BeanProvider<Job> jobs;
    private final BeanProvider<RecurringJob> recurring;
    private final JobsProperties properties;
    private final RedisClient redis;
    private final String node;
    private final NodeStopping stopping;
    /** Builds and starts the scheduler off the ready path; stop waits for it. */
    private final ExecutorService starter = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("berth-jobs-start").daemon().factory());
    private volatile Future<?> started;
    private volatile Scheduler scheduler;
    private volatile StatefulRedisPubSubConnection<String, String> wakeUps;

    JobEngine(DatabasePool pool, JobsProperties properties, BeanProvider<Job> jobs, BeanProvider<RecurringJob> recurring, RedisClient redis,
              NodeStopping stopping) {
        this.pool = pool;
        this.jobs = jobs;
        this.recurring = recurring;
        this.properties = properties;
        this.stopping = stopping;
        this.redis = redis;
        this.node = "berth-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The scheduler, its jobs (and all they need: SSH, Docker, S3 clients) created when the engine starts. */
    private Scheduler build() {
        var tasks = new ArrayList<Task<?>>();
        jobs.stream().forEach(job -> tasks.add(job.task()));
        var startTasks = recurring.stream().map(RecurringJob::task).filter(Objects::nonNull).toList();
        return Scheduler.create(pool.hikari(), tasks)
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

    /**
     * Starts the engine beside the server, not before it: the API answers (and queues jobs in PostgreSQL) while the
     * jobs and their clients are created; once started, the engine looks for due work at once.
     */
    @EventListener
    void onStartup(StartupEvent event) {
        if (!properties.enabled()) return;
        started = starter.submit(this::start);
    }

    /** Starts the engine; a start that fails (PostgreSQL away, say) is logged and tried again until the node stops. */
    private void start() {
        for (long wait = 1; !stopping.now(); wait = Math.min(wait * 2, 30)) {
            try {
                startOnce();
                return;
            } catch (RuntimeException e) {
                LOG.error("event=jobs-start-failed retry_in_s={}", wait, e);
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
            while (System.nanoTime() < until && !stopping.now()) { // a stopping node does not wait for the retry
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void startOnce() {
        if (wakeUps == null) try {
            var connection = redis.connectPubSub();
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    var running = scheduler;
                    if (running != null) running.triggerCheckForDueExecutions();
                }
            });
            connection.sync().subscribe(JobQueued.CHANNEL);
            wakeUps = connection;
        } catch (RuntimeException e) {
            LOG.warn("event=job-wakeups-unavailable error={} fallback=polling", e.getClass().getSimpleName());
        }
        if (stopping.now()) return; // the node stops before its engine ran
        var built = build();
        try {
            built.start();
        } catch (RuntimeException e) {
            built.stop(); // whatever it started, before a new one is tried
            throw e;
        }
        scheduler = built;
        built.triggerCheckForDueExecutions(); // whatever was queued while the engine started
        LOG.info("event=jobs-started node={}", node);
    }

    @PreDestroy
    void stop() {
        stopping.begin(); // before the engine interrupts its running jobs
        var start = started;
        if (start != null) {
            try {
                start.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("event=jobs-start-failed error={}", e.getClass().getSimpleName(), e.getCause());
            }
        }
        starter.shutdown();
        if (wakeUps != null) wakeUps.close();
        var running = scheduler;
        if (running != null) running.stop();
    }
}
