package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.application.Application.Status;
import dev.berth.application.ContainerState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContainerStatusTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private static ContainerStatus.Seen running(int restarts, Instant startedAt) {
        return new ContainerStatus.Seen(true, true, false, restarts, 0, false, startedAt);
    }

    private static ContainerStatus.Seen exited(int code, int restarts) {
        return new ContainerStatus.Seen(true, false, false, restarts, code, false, NOW.minusSeconds(60));
    }

    @Test
    void statusesThatDeploymentsOwnStayWhateverTheContainerDoes() {
        for (var owned : new Status[] {Status.NOT_DEPLOYED, Status.DEPLOYING, Status.FAILED}) {
            assertThat(ContainerStatus.next(owned, ContainerStatus.Seen.absent(), NOW)).isEqualTo(owned);
            assertThat(ContainerStatus.next(owned, exited(1, 0), NOW)).isEqualTo(owned);
        }
    }

    @Test
    void theContainerDecidesTheOthers() {
        assertThat(ContainerStatus.next(Status.RUNNING, ContainerStatus.Seen.absent(), NOW)).isEqualTo(Status.MISSING);
        assertThat(ContainerStatus.next(Status.STOPPED, ContainerStatus.Seen.absent(), NOW)).isEqualTo(Status.MISSING);
        assertThat(ContainerStatus.next(Status.RUNNING, exited(137, 0), NOW)).isEqualTo(Status.EXITED);
        assertThat(ContainerStatus.next(Status.STOPPED, exited(137, 0), NOW)).as("stopped on purpose").isEqualTo(Status.STOPPED);
        assertThat(ContainerStatus.next(Status.EXITED, running(0, NOW.minusSeconds(1)), NOW)).isEqualTo(Status.RUNNING);
        assertThat(ContainerStatus.next(Status.STOPPED, running(0, NOW), NOW)).as("started by hand").isEqualTo(Status.RUNNING);
        var restarting = new ContainerStatus.Seen(true, true, true, 3, 3, false, NOW.minusSeconds(5));
        assertThat(ContainerStatus.next(Status.RUNNING, restarting, NOW)).isEqualTo(Status.RESTARTING);
    }

    @Test
    void aRestartedContainerIsRestartingUntilItStaysUp() {
        var justRestarted = running(2, NOW.minus(ContainerStatus.STEADY).plusSeconds(1));
        assertThat(ContainerStatus.next(Status.RUNNING, justRestarted, NOW)).isEqualTo(Status.RESTARTING);
        var steady = running(2, NOW.minus(ContainerStatus.STEADY).minusSeconds(1));
        assertThat(ContainerStatus.next(Status.RESTARTING, steady, NOW)).isEqualTo(Status.RUNNING);
    }

    @Test
    void theLastExitIsKeptAcrossRestartsAndClearedByAFreshStart() {
        assertThat(ContainerStatus.state(exited(3, 1), null, null, NOW).exitCode()).as("down: Docker's own").isEqualTo(3);
        assertThat(ContainerStatus.state(running(2, NOW), 3, null, NOW).exitCode()).as("restarted: the die event's").isEqualTo(3);
        var before = new ContainerState(1, 3, false, NOW.minusSeconds(10));
        assertThat(ContainerStatus.state(running(2, NOW), null, before, NOW).exitCode()).as("restarted: the one recorded").isEqualTo(3);
        assertThat(ContainerStatus.state(running(0, NOW), null, before, NOW).exitCode()).as("started afresh").isNull();
        assertThat(ContainerStatus.state(ContainerStatus.Seen.absent(), 3, before, NOW).exitCode()).isNull();
        assertThat(ContainerStatus.state(running(2, NOW), null, null, NOW).restartCount()).isEqualTo(2);
    }
}
