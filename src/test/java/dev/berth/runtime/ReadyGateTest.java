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
}
