package dev.berth.deployment;

import dev.berth.application.Application;
import dev.berth.application.ContainerState;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.time.Instant;

/** What an application's status becomes from what its server shows of its current container: pure. */
final class ContainerStatus {
    /** How long a restarted container must stay up before the application counts as RUNNING again, not RESTARTING. */
    static final Duration STEADY = Duration.ofSeconds(30);

    private ContainerStatus() {}

    /** What the server shows of a container: absent (removed), or its state as {@code docker inspect} gives it. */
    record Seen(boolean present, boolean running, boolean restarting, int restartCount, @Nullable Integer exitCode,
                boolean oomKilled, @Nullable Instant startedAt) {
        static Seen absent() {
            return new Seen(false, false, false, 0, null, false, null);
        }
    }

    /**
     * The status that follows {@code seen}. A status a deployment owns (not deployed, deploying, failed) stays; a
     * container that is gone is MISSING; one that Docker is restarting, or restarted less than {@link #STEADY} ago, is
     * RESTARTING (a crash loop flips between down and up: it stays RESTARTING until it stays up); one that stopped by
     * itself is EXITED, unless the application was stopped on purpose.
     */
    static Application.Status next(Application.Status current, Seen seen, Instant now) {
        if (current.ownedByDeployments()) return current;
        if (!seen.present()) return Application.Status.MISSING;
        if (seen.restarting()) return Application.Status.RESTARTING;
        if (seen.running()) {
            boolean justRestarted = seen.restartCount() > 0 && seen.startedAt() != null
                    && seen.startedAt().isAfter(now.minus(STEADY));
            return justRestarted ? Application.Status.RESTARTING : Application.Status.RUNNING;
        }
        return current == Application.Status.STOPPED ? Application.Status.STOPPED : Application.Status.EXITED;
    }

    /**
     * What is recorded of the container. Its exit code is that of its last exit: Docker's own while it is down; once
     * Docker restarted it (Docker clears the code on start), the code its {@code die} event carried, else the one
     * recorded before; a container started afresh (no restart) has none.
     */
    static ContainerState state(Seen seen, @Nullable Integer diedWith, @Nullable ContainerState before, Instant now) {
        Integer exit;
        if (!seen.present()) exit = null;
        else if (!seen.running() || seen.restarting()) exit = seen.exitCode();
        else if (seen.restartCount() == 0) exit = null;
        else exit = diedWith != null ? diedWith : before == null ? null : before.exitCode();
        return new ContainerState(seen.restartCount(), exit, seen.oomKilled(), now);
    }
}
