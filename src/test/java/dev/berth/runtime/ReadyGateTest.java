package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What waits for the node to be ready begins once, when it is, in order; nothing begins on a node that stopped. */
class ReadyGateTest {
    @Test
    void workWaitsForReadyThenRunsOnceInOrder() {
        var gate = new ReadyGate();
        var ran = new ArrayList<String>();
        gate.afterReady(() -> ran.add("watch"));
        gate.afterReady(() -> ran.add("jobs"));
        assertThat(ran).as("not ready yet").isEmpty();
        gate.ready();
        assertThat(ran).containsExactly("watch", "jobs");
        gate.ready();
        assertThat(ran).as("ready twice runs nothing twice").containsExactly("watch", "jobs");
        gate.afterReady(() -> ran.add("late"));
        assertThat(ran).as("asked once ready: at once").containsExactly("watch", "jobs", "late");
    }

    @Test
    void aNodeThatStoppedBeforeItWasReadyStartsNothing() {
        var gate = new ReadyGate();
        List<String> ran = new ArrayList<>();
        gate.afterReady(() -> ran.add("jobs"));
        gate.close();
        gate.ready();
        gate.afterReady(() -> ran.add("late"));
        assertThat(ran).isEmpty();
        assertThat(gate.isOpen()).isFalse();
    }

    @Test
    void aTaskThatFailsDoesNotKeepTheOthersFromStarting() {
        var gate = new ReadyGate();
        var ran = new ArrayList<String>();
        gate.afterReady(() -> {
            throw new IllegalStateException("a bug");
        });
        gate.afterReady(() -> ran.add("jobs"));
        gate.ready();
        gate.afterReady(() -> {
            throw new IllegalStateException("a late bug");
        });
        gate.afterReady(() -> ran.add("late"));
        assertThat(ran).containsExactly("jobs", "late");
    }

    @Test
    void aBeanStartedAfterReadyIsBuiltThenOnAThreadOfItsOwnAndNeverOnAStoppedNode() throws InterruptedException {
        var gate = new ReadyGate();
        var built = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var started = new java.util.concurrent.CountDownLatch(1);
        var caller = Thread.currentThread();
        gate.startAfterReady("berth-start-test", () -> {
            built.add(Thread.currentThread() == caller ? "on the caller" : "on its own");
            return "bean";
        }, bean -> started.countDown());
        assertThat(built).as("not built before ready").isEmpty();
        gate.ready();
        assertThat(started.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(built).containsExactly("on its own");

        var stopped = new ReadyGate();
        stopped.startAfterReady("berth-start-test", () -> {
            built.add("on a stopped node");
            return "bean";
        }, bean -> { });
        stopped.close();
        stopped.ready();
        Thread.sleep(200);
        assertThat(built).containsExactly("on its own");

        // the node begins to stop while the bean is built: the bean is not started (its own stop would never run)
        var stopping = new ReadyGate();
        var startedAnyway = new java.util.concurrent.atomic.AtomicBoolean();
        var builtWhileStopping = new java.util.concurrent.CountDownLatch(1);
        stopping.startAfterReady("berth-start-test", () -> {
            stopping.close();
            builtWhileStopping.countDown();
            return "bean";
        }, bean -> startedAnyway.set(true));
        stopping.ready();
        assertThat(builtWhileStopping.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200);
        assertThat(startedAnyway).isFalse();
    }
}
