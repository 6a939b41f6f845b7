package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Viewer;
import dev.berth.jobs.JobQueue;
import dev.berth.storage.TeamTransactions;
import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One hand-off of an application's deployment queue, under the application's row lock: the head of a queue always has
 * its job, whichever path changed the queue, and a queue left without one (a job lost) is handed on by the reconciler.
 * No job runs here (the engine is off), so every state is the test's own.
 */
@MicronautTest(transactional = false)
class DeploymentQueueTest extends BerthTestBase {
    @Inject
    DeploymentQueue queue;
    @Inject
    DeploymentQueueReconciler reconciler;
    @Inject
    DeploymentRows rows;
    @Inject
    JobQueue jobs;
    @Inject
    TeamTransactions transactions;
    @Inject
    DeployJob deployJob;
    @Inject
    io.micronaut.data.jdbc.runtime.JdbcOperations jdbc;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false");
    }

    private UUID team() {
        return UUID.fromString(user().teamId());
    }

    private String application() {
        return dev.berth.testing.TestApplications.unreachable(http());
    }

    private UUID deploy(String app) {
        return UUID.fromString(http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app))
                .path("deployApplication").path("deployment").path("id").asText());
    }

    private boolean hasJob(UUID deployment) {
        return transactions.read(Viewer.system(team(), "test"), () -> jobs.exists(DeployJob.TASK, JobQueue.instance(team(), deployment)));
    }

    private boolean dropJob(UUID deployment) {
        return transactions.write(Viewer.system(team(), "test"), () -> jobs.dequeue(DeployJob.TASK, JobQueue.instance(team(), deployment)));
    }

    @Test
    void onlyTheHeadOfAQueueHasAJobAndACancelOfTheHeadHandsOn() {
        var app = application();
        var first = deploy(app);
        var second = deploy(app);
        assertThat(hasJob(first)).isTrue();
        assertThat(hasJob(second)).as("it waits behind the first").isFalse();
        http().data("mutation($id: ID!) { cancelDeployment(input: {id: $id}) { deployment { status } } }", Map.of("id", first.toString()));
        assertThat(hasJob(first)).isFalse();
        assertThat(hasJob(second)).as("the new head").isTrue();
    }

    @Test
    void aJobThatFindsItsDeploymentEndedHandsTheQueueOn() {
        var app = application();
        var first = deploy(app);
        var second = deploy(app);
        var system = Viewer.system(team(), "test");
        // the first ended while its job was on its way (another node cancelled it, say), and its job still ran
        transactions.write(system, () -> {
            rows.status(team(), first, Deployment.Status.CANCELLED, "cancelled");
            return null;
        });
        assertThat(hasJob(second)).isFalse();
        assertThat(deployJob.run(system, first)).isTrue();
        assertThat(hasJob(second)).isTrue();
    }

    @Test
    void theReconcilerHandsOnAQueueWhoseJobWasLost() {
        var app = application();
        var first = deploy(app);
        assertThat(dropJob(first)).isTrue(); // lost: stranded, QUEUED
        assertThat(hasJob(first)).isFalse();
        assertThat(reconciler.round()).isPositive();
        assertThat(hasJob(first)).isTrue();
        reconciler.round(); // again: still one job, nothing else changes
        assertThat(hasJob(first)).isTrue();
    }

    @Test
    void theReconcilerGivesAStartedDeploymentWhoseJobIsGoneANewOne() {
        var app = application();
        var started = deploy(app);
        var next = deploy(app);
        var system = Viewer.system(team(), "test");
        transactions.write(system, () -> {
            rows.nextAttempt(team(), started);
            rows.status(team(), started, Deployment.Status.BUILDING, null);
            return null;
        });
        assertThat(dropJob(started)).isTrue(); // its node failed even to record the failure
        reconciler.round();
        assertThat(hasJob(started)).as("revived: a node takes it over").isTrue();
        assertThat(hasJob(next)).as("still waiting behind it").isFalse();
    }

    /**
     * The race that stranded queues: a run ending (its status written, the queue not yet handed on) while a deploy comes
     * in. The ending run holds the application's lock from before its status until it commits; the deploy waits for it
     * (seen in pg_locks, not by sleeping) and then finds the queue as it really is: its deployment has its job.
     */
    @Test
    void aDeployRacingARunThatEndsLeavesNoQueuedDeploymentWithoutAJob() throws Exception {
        var app = application();
        var running = deploy(app);
        var system = Viewer.system(team(), "test");
        transactions.write(system, () -> {
            rows.status(team(), running, Deployment.Status.PREPARING, null);
            return null;
        });
        dropJob(running); // as if its job were running
        var locked = new CountDownLatch(1);
        var go = new CountDownLatch(1);
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor(); // not the common pool: one thread on 2 cores
        var ending = CompletableFuture.runAsync(() -> transactions.write(system, () -> {
            queue.lock(team(), UUID.fromString(app));
            rows.status(team(), running, Deployment.Status.SUCCEEDED, null);
            locked.countDown();
            try {
                go.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            queue.handOn(team(), UUID.fromString(app));
            return null;
        }), threads);
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        int waitingBefore = waitingLocks();
        var deploying = CompletableFuture.supplyAsync(() -> deploy(app), threads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waitingLocks() <= waitingBefore && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(waitingLocks()).as("the deploy waits for the ending run's lock (" + deploying + ")").isGreaterThan(waitingBefore);
        assertThat(deploying).isNotDone();
        go.countDown();
        ending.get(10, TimeUnit.SECONDS);
        var next = deploying.get(10, TimeUnit.SECONDS);
        assertThat(hasJob(next)).as("the deployment that came in has its job").isTrue();
    }

    /** A node that wakes up after another took its deployment over (or after it ended) cannot move it any more. */
    @Test
    void statusesAreFencedByTheAttempt() {
        var app = application();
        var deployment = deploy(app);
        var system = Viewer.system(team(), "test");
        var moved = transactions.write(system, () -> {
            assertThat(rows.nextAttempt(team(), deployment)).isEqualTo(1);
            boolean first = rows.statusOfAttempt(team(), deployment, 1, Deployment.Status.PREPARING, null);
            assertThat(rows.nextAttempt(team(), deployment)).isEqualTo(2); // another node took it over
            boolean stale = rows.statusOfAttempt(team(), deployment, 1, Deployment.Status.FAILED, "paused node");
            boolean current = rows.statusOfAttempt(team(), deployment, 2, Deployment.Status.SUCCEEDED, null);
            boolean afterEnd = rows.statusOfAttempt(team(), deployment, 2, Deployment.Status.FAILED, "late");
            return List.of(first, stale, current, afterEnd);
        });
        assertThat(moved).containsExactly(true, false, true, false);
        assertThat(transactions.read(system, () -> rows.byId(team(), deployment)).orElseThrow().status()).isEqualTo(Deployment.Status.SUCCEEDED);
    }

    /** Sessions of this database waiting for a lock. */
    private int waitingLocks() {
        return transactions.read(Viewer.system(team(), "test"), () ->
                dev.berth.storage.Statements.one(jdbc, "SELECT count(*) FROM pg_locks WHERE NOT granted", s -> { }, r -> r.getInt(1)));
    }
}
