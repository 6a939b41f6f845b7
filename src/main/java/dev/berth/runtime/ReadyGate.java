package dev.berth.runtime;

import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Work a node starts once it is ready, not while it becomes ready: the GraphQL warm-up, the job engine and the
 * container watch used to start as the server began to listen, and on two cores their CPU (the schema, the jobs'
 * clients, SSH to every watched server) competed with the first {@code /health} for it. They begin once
 * {@code /health} first answered UP, or {@link #AT_THE_LATEST} after the server listens when nothing asks
 * (whichever comes first); nothing begins on a node that stops before. A request that comes first does not wait for
 * the gate: what it needs is built on first use, as it always was.
 */
@Singleton
public final class ReadyGate {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadyGate.class);
    static final Duration AT_THE_LATEST = Duration.ofSeconds(1);

    private final List<Runnable> waiting = new ArrayList<>();
    private boolean open;
    private boolean closed;
    private Thread timer;

    /** Runs {@code task} (something that hands work to a thread of its own, quickly) once the node is ready. */
    public void afterReady(Runnable task) {
        synchronized (this) {
            if (closed) return;
            if (!open) {
                waiting.add(task);
                return;
            }
        }
        run(task);
    }

    /**
     * Builds {@code bean} and starts it with {@code start} once the node is ready, on a virtual thread of its own (see
     * {@link ReadyStarts}); nothing is built on a node that stopped first.
     */
    public <T> void startAfterReady(String name, Supplier<T> bean, Consumer<T> start) {
        afterReady(() -> Thread.ofVirtual().name(name).start(() -> {
            try {
                if (isClosed()) return;
                var built = bean.get();
                // a node that began to stop while the bean was built starts nothing: its context may have destroyed
                // its beans already, and this one's own stop would never run
                if (isClosed()) return;
                start.accept(built);
            } catch (RuntimeException e) {
                if (!isClosed()) LOG.error("event=after-ready-failed task={} error={}", name, e.getClass().getSimpleName(), e);
            }
        }));
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** The node answered {@code /health} UP: what waited begins. */
    public void ready() {
        List<Runnable> due;
        synchronized (this) {
            if (open || closed) return;
            open = true;
            due = List.copyOf(waiting);
            waiting.clear();
        }
        for (var task : due) run(task);
    }

    /** Each task on its own: one that fails (a bug) does not keep the others from starting. */
    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("event=after-ready-failed error={}", e.getClass().getSimpleName(), e);
        }
    }

    @EventListener
    void onStartup(ServerStartupEvent event) {
        var started = Thread.ofVirtual().name("berth-ready-gate").unstarted(() -> {
            try {
                Thread.sleep(AT_THE_LATEST);
            } catch (InterruptedException e) {
                return;
            }
            ready();
        });
        synchronized (this) {
            if (closed) return;
            timer = started;
        }
        started.start();
    }

    /** A node that stops starts nothing more: closed as the stop begins, before any bean is destroyed. */
    @EventListener
    void onShutdown(ShutdownEvent event) {
        close();
    }

    @PreDestroy
    void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            waiting.clear();
            running = timer;
            timer = null;
        }
        if (running != null) running.interrupt();
    }

    synchronized boolean isOpen() {
        return open;
    }
}
