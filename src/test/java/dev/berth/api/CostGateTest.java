package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Admission by cost: what runs at once stays within the capacity; small work runs side by side; huge work alone. */
class CostGateTest {

    /** Runs {@code n} works of {@code cost} at once on {@code n} threads; answers the most that ran together. */
    private static int mostAtOnce(CostGate gate, int n, long cost) throws Exception {
        var running = new AtomicInteger();
        var most = new AtomicInteger();
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(n);
        try {
            var done = new ArrayList<Future<Integer>>();
            for (int i = 0; i < n; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    return gate.through(cost, () -> {
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try {
                            Thread.sleep(30);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        running.decrementAndGet();
                        return 1;
                    });
                }));
            }
            start.countDown();
            for (var f : done) assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        return most.get();
    }

    @Test
    void expensiveWorkRunsTwoAtATimeWithinTheCapacity() throws Exception {
        assertThat(mostAtOnce(new CostGate(100, 0), 8, 45)).isEqualTo(2);
    }

    @Test
    void cheapWorkRunsSideBySide() throws Exception {
        assertThat(mostAtOnce(new CostGate(100, 0), 8, 10)).isEqualTo(8);
    }

    @Test
    void workCostingMoreThanTheCapacityStillRunsAlone() throws Exception {
        assertThat(mostAtOnce(new CostGate(100, 0), 4, 1_000_000)).isEqualTo(1);
    }

    /** A large work waiting at the head of the queue (behind one that holds the capacity) holds up no small one. */
    @Test
    void smallWorkPassesALargeOneWaitingAtTheHeadOfTheQueue() throws Exception {
        var gate = new CostGate(100, 5);
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(2);
        try {
            pool.submit(() -> gate.through(100, () -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            var waiting = pool.submit(() -> gate.through(60, () -> 2)); // waits: the capacity is held
            Thread.sleep(50);
            assertThat(waiting.isDone()).isFalse();
            assertThat(gate.through(5, () -> "small ran")).isEqualTo("small ran"); // on this thread, at once
            release.countDown();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingWorkGivesItsShareBack() {
        var gate = new CostGate(10, 0);
        for (int i = 0; i < 3; i++) {
            try {
                gate.through(10, () -> {
                    throw new IllegalStateException("boom");
                });
            } catch (IllegalStateException expected) {
                // the permits must be back, or the next call would wait forever
            }
        }
        assertThat(gate.through(10, () -> "ran")).isEqualTo("ran");
    }

    /** The default capacity follows the cores (10,000 objects each) and never exceeds one object per 16 KiB of heap. */
    @Test
    void theDefaultCapacityFollowsTheCoresWithinTheHeap() {
        long mib = 1024 * 1024;
        assertThat(GraphQLProperties.costInFlightFor(2, 384 * mib)).isEqualTo(20_000);   // four Q1 dashboards at once
        assertThat(GraphQLProperties.costInFlightFor(8, 384 * mib)).isEqualTo(384 * mib / 16_384);
        assertThat(GraphQLProperties.costInFlightFor(8, 4096 * mib)).isEqualTo(80_000);
        assertThat(GraphQLProperties.costInFlightFor(1, mib)).isEqualTo(CostGate.SMALL);
        var configured = new GraphQLProperties(true, true, 12, 30, 50_000, 32_768, 10, 1234, 0);
        assertThat(configured.costInFlight()).isEqualTo(1234);
        var derived = new GraphQLProperties(true, true, 12, 30, 50_000, 32_768, 10, 0, 0);
        assertThat(derived.costInFlight()).isEqualTo(GraphQLProperties.costInFlightFor(
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory()));
    }
}
