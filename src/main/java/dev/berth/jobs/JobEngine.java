package dev.berth.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import dev.berth.runtime.ReadyGate;
import dev.berth.storage.DatabasePool;
import io.micronaut.context.BeanProvider;
import io.micronaut.runtime.server.event.ServerStartupEvent;
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
    private final ReadyGate gate;
    /** Builds and starts the scheduler off the ready path; stop waits for it. */
    private final ExecutorService starter = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("berth-jobs-start").daemon().factory());
    private volatile Future<?> started;
    private volatile Scheduler scheduler;
    private volatile Throwable failure;
    private volatile StatefulRedisPubSubConnection<String, String> wakeUps;

    JobEngine(DatabasePool pool, JobsProperties properties, BeanProvider<Job> jobs, BeanProvider<RecurringJob> recurring, RedisClient redis,
              NodeStopping stopping, ReadyGate gate) {
        this.gate = gate;
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
     * Starts the engine once the node is ready ({@link ReadyGate}), not before it: the API answers (and queues jobs in
     * PostgreSQL) while this bean, the jobs and their clients are created; once started, the engine looks for due work
     * at once.
     */
    @EventListener
    void onStartup(ServerStartupEvent event) {
        gate.afterReady(this::submitStart);
    }

    private synchronized void submitStart() {
        if (!properties.enabled() || started != null || stopping.now()) return;
        try {
            started = starter.submit(this::start);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the node stopped before its server's start was announced: the engine never starts
        }
    }

    /**
     * Creates the jobs and starts the scheduler. A job that cannot be created (a bug, a bad setting) is not retried:
     * the engine is then down, loudly (an ERROR, and {@code /health} DOWN through {@link JobsHealthIndicator}), as
     * the node used to fail to start.
     */
    private void start() {
        try {
            subscribeWakeUps();
            if (stopping.now()) { // the node stops before its engine ran
                closeWakeUps();
                return;
            }
            var built = build();
            synchronized (this) {
                if (stopping.now()) { // stop gave up waiting: it must not find a scheduler started after it
                    closeWakeUps();
                    return;
                }
                built.start();
                scheduler = built;
            }
            built.triggerCheckForDueExecutions(); // whatever was queued while the engine started
            LOG.info("event=jobs-started node={}", node);
        } catch (Throwable e) {
            failure = e;
            LOG.error("event=jobs-start-failed node={}: no job runs on this node", node, e);
        }
    }

    /** Why the engine could not start; null while it starts or once it runs. */
    Throwable failure() {
        return failure;
    }

    private void subscribeWakeUps() {
        try {
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
    }

    private synchronized void closeWakeUps() {
        var connection = wakeUps;
        wakeUps = null;
        if (connection != null) connection.close();
    }

    @PreDestroy
    void stop() {
        stopping.begin(); // before the engine interrupts its running jobs
        boolean interrupted = false;
        var start = started;
        if (start != null) {
            try {
                start.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("event=jobs-start-unfinished error={}", e.getClass().getSimpleName());
            }
        }
        starter.shutdownNow();
        closeWakeUps();
        Scheduler running;
        synchronized (this) { // a start still under way finds the node stopping and starts nothing
            running = scheduler;
        }
        if (running != null) running.stop();
        if (interrupted) Thread.currentThread().interrupt(); // after the running jobs had their grace
    }
}
