package dev.berth.jobs;

import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import dev.berth.storage.Statements;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Queues one-time jobs in the caller's transaction: the job row commits or rolls back with the rows it is about
 * (a deployment and its job are never one without the other). After the commit every node is woken through
 * Dragonfly; a node that misses the wake-up finds the job at its next poll.
 */
@Singleton
public class JobQueue {
    private final JdbcOperations jdbc;
    private final ApplicationEventPublisher<JobQueued> wakeUps;

    JobQueue(JdbcOperations jdbc, ApplicationEventPublisher<JobQueued> wakeUps) {
        this.jdbc = jdbc;
        this.wakeUps = wakeUps;
    }

    /** The instance id of a job acting in {@code teamId} on {@code subject}. */
    public static String instance(UUID teamId, UUID subject) {
        return teamId + ":" + subject;
    }

    /** The team of an instance id made by {@link #instance}. */
    public static UUID team(String instance) {
        return UUID.fromString(instance.substring(0, instance.indexOf(':')));
    }

    /** The subject of an instance id made by {@link #instance}. */
    public static UUID subject(String instance) {
        return UUID.fromString(instance.substring(instance.indexOf(':') + 1));
    }

    /** Queues {@code task} for {@code instance} at {@code when}; a job already queued under that id is left as it is. */
    public void enqueue(String task, String instance, Instant when) {
        Statements.update(jdbc, """
                INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                VALUES (?, ?, ?, false, 1) ON CONFLICT DO NOTHING""", statement -> {
            statement.setString(1, task);
            statement.setString(2, instance);
            statement.setTimestamp(3, Timestamp.from(when));
        });
        wakeUps.publishEvent(new JobQueued(task));
    }

    /**
     * Moves the waiting jobs of {@code task} for these instances to now and wakes the nodes: work that was put off
     * for want of room (a server's deployment limit) starts when room is made, not at a later poll.
     */
    public void runSoon(String task, java.util.Collection<String> instances) {
        if (instances.isEmpty()) return;
        var now = Timestamp.from(java.time.Instant.now()); // the nodes' clock, as enqueue and the scheduler's poll use
        int moved = Statements.update(jdbc, "UPDATE scheduled_tasks SET execution_time = ? WHERE task_name = ? AND task_instance = ANY (?)"
                + " AND NOT picked AND execution_time > ?", statement -> {
            statement.setTimestamp(1, now);
            statement.setString(2, task);
            statement.setArray(3, statement.getConnection().createArrayOf("text", instances.toArray()));
            statement.setTimestamp(4, now);
        });
        if (moved > 0) wakeUps.publishEvent(new JobQueued(task));
    }

    /** True while a job of {@code task} for {@code instance} is queued or running. */
    public boolean exists(String task, String instance) {
        return !Statements.list(jdbc, "SELECT 1 FROM scheduled_tasks WHERE task_name = ? AND task_instance = ?", statement -> {
            statement.setString(1, task);
            statement.setString(2, instance);
        }, rows -> Boolean.TRUE).isEmpty();
    }

    /** Removes a queued job that has not started (a cancelled deployment); false when none was waiting. */
    public boolean dequeue(String task, String instance) {
        return Statements.update(jdbc, "DELETE FROM scheduled_tasks WHERE task_name = ? AND task_instance = ? AND NOT picked", statement -> {
            statement.setString(1, task);
            statement.setString(2, instance);
        }) > 0;
    }
}
