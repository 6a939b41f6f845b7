package dev.berth.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Jobs queued in a transaction run once it commits, woken through Dragonfly (not at the next poll: polling is set to
 * a minute here), and never when it rolls back.
 */
@MicronautTest(transactional = false)
class JobEngineTest extends BerthTestBase {
    @Inject
    JobQueue queue;
    @Inject
    RecordingJob job;
    @Inject
    TransactionOperations<Connection> transactions;

    @Override
    protected java.util.Map<String, String> overrides() {
        return java.util.Map.of("berth.jobs.polling-interval", "60s");
    }

    @Test
    void aCommittedJobStartsAtOnceAndARolledBackOneNever() throws Exception {
        var committed = JobQueue.instance(UUID.randomUUID(), UUID.randomUUID());
        var rolledBack = JobQueue.instance(UUID.randomUUID(), UUID.randomUUID());
        long queuedAt = System.nanoTime();
        transactions.executeWrite(status -> {
            queue.enqueue(RecordingJob.NAME, committed, Instant.now());
            return null;
        });
        try {
            transactions.executeWrite(status -> {
                queue.enqueue(RecordingJob.NAME, rolledBack, Instant.now());
                throw new IllegalStateException("roll back");
            });
        } catch (IllegalStateException expected) {
            // the job row went with the transaction
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!job.ran.containsKey(committed) && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(job.ran).containsKey(committed);
        long startedMillis = (job.ran.get(committed).atNanos() - queuedAt) / 1_000_000;
        System.out.println("job started " + startedMillis + " ms after it was queued");
        assertThat(startedMillis).as("woken, not polled (the poll is 60 s)").isLessThan(5_000);
        Thread.sleep(500);
        assertThat(job.ran).doesNotContainKey(rolledBack);
    }

    @Test
    void instanceIdsCarryTheTeam() {
        var team = UUID.randomUUID();
        var subject = UUID.randomUUID();
        var instance = JobQueue.instance(team, subject);
        assertThat(JobQueue.team(instance)).isEqualTo(team);
        assertThat(JobQueue.subject(instance)).isEqualTo(subject);
    }
}
