package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.events.Held;
import dev.berth.api.SubscriptionGroups.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import java.util.stream.LongStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Replaying groups as a pure unit: a log written on one thread, followers joining on others at any moment (before the
 * first line, during, at the end), each following as {@code DeploymentLogs} does (live held from subscription, stored
 * lines, then live after what was delivered). Every follower gets every position exactly once and in order, and the
 * followers share the executions of the lines written after they caught up.
 */
class ReplayingGroupsTest {
    private static final SubscriptionGroups.Key KEY = new SubscriptionGroups.Key("subscription { log }", null, Map.of(), null);
    private static final int LINES = 3000;

    /** A log: lines are stored first, then published live; the last one ends the live stream. */
    private static final class Log {
        final AtomicLong stored = new AtomicLong();
        final Sinks.Many<Long> live = Sinks.many().multicast().directBestEffort();
        final AtomicInteger executions = new AtomicInteger();

        synchronized void write(long position) {
            stored.set(position);
            live.emitNext(position, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
            if (position == LINES) live.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        }

        /** One follower's own stream, every execution counted. */
        Supplier<Flux<Frame>> own() {
            return () -> Flux.defer(() -> {
                var held = Held.from(live.asFlux(), 100_000, Long.MAX_VALUE, p -> 8, IllegalStateException::new);
                long upTo = stored.get();
                var delivered = new AtomicLong(upTo);
                return Flux.fromStream(LongStream.rangeClosed(1, upTo).boxed())
                        .concatWith(held.flux().filter(p -> p > delivered.get()).doOnNext(delivered::set))
                        .doFinally(signal -> held.connection().dispose());
            }).map(p -> {
                executions.incrementAndGet();
                return new Frame(p, ("line " + p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            });
        }
    }

    private static List<Long> expected() {
        return LongStream.rangeClosed(1, LINES).boxed().toList();
    }

    private static long position(byte[] payload) {
        return Long.parseLong(new String(payload, java.nio.charset.StandardCharsets.UTF_8).substring("line ".length()));
    }

    @RepeatedTest(10)
    void followersJoiningAtAnyMomentGetEveryLineOnceAndShareTheRest() throws Exception {
        var groups = new SubscriptionGroups();
        var log = new Log();
        int followers = 12;
        int joinWithin = LINES / 3;
        var received = new ArrayList<ConcurrentLinkedQueue<Long>>();
        var done = new CountDownLatch(followers);
        var failures = new CopyOnWriteArrayList<Throwable>();
        var joinAt = new ArrayList<Long>();
        for (int i = 0; i < followers; i++) {
            received.add(new ConcurrentLinkedQueue<>());
            joinAt.add(i < 3 ? 0 : ThreadLocalRandom.current().nextLong(joinWithin)); // some before the first line
        }
        for (long p = 1; p <= joinWithin; p++) {
            for (int i = 0; i < followers; i++) {
                if (joinAt.get(i) == p - 1) join(groups, log, received.get(i), done, failures);
            }
            log.write(p);
        }
        // once every follower has had the lines so far, every one of them has caught up with the group
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.stream().anyMatch(r -> r.size() < joinWithin) && System.nanoTime() < deadline) Thread.sleep(5);
        int before = log.executions.get();
        for (long p = joinWithin + 1; p <= LINES; p++) log.write(p);
        assertThat(done.await(30, TimeUnit.SECONDS)).as("every follower ended").isTrue();
        assertThat(failures).isEmpty();
        for (int i = 0; i < followers; i++) {
            assertThat(List.copyOf(received.get(i))).as("follower %d joined after %d", i, joinAt.get(i)).isEqualTo(expected());
        }
        // alone, each follower would execute each later line: shared, each is executed once
        assertThat(log.executions.get() - before).isEqualTo(LINES - joinWithin);
    }

    @Test
    void aFollowerWhoseHeldFramesOverflowWhileItReplaysStaysOnItsOwnStream() {
        var groups = new SubscriptionGroups();
        var log = new Log();
        var first = new ConcurrentLinkedQueue<Long>();
        groups.joinReplaying(KEY, log.own(), 100, Long.MAX_VALUE, IllegalStateException::new).subscribe(p -> first.add(position(p)));
        for (long p = 1; p <= 10; p++) log.write(p);
        // the second holds at most 5 frames; its own replay is held back until 50 more lines came
        var gate = Sinks.<Long>one();
        var second = groups.joinReplaying(KEY, () -> log.own().get().delayUntil(frame -> frame.position() == 1 ? gate.asMono() : reactor.core.publisher.Mono.empty()),
                5, Long.MAX_VALUE, IllegalStateException::new).map(ReplayingGroupsTest::position).collectList().toFuture();
        for (long p = 11; p <= 60; p++) log.write(p);
        gate.tryEmitValue(0L);
        for (long p = 61; p <= LINES; p++) log.write(p);
        assertThat(second.join()).isEqualTo(expected());
        assertThat(List.copyOf(first)).isEqualTo(expected());
    }

    private static void join(SubscriptionGroups groups, Log log, ConcurrentLinkedQueue<Long> into, CountDownLatch done,
                             List<Throwable> failures) {
        groups.joinReplaying(KEY, log.own(), 100_000, Long.MAX_VALUE, IllegalStateException::new)
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(payload -> into.add(position(payload)), error -> {
                    failures.add(error);
                    done.countDown();
                }, done::countDown);
    }

    @Test
    void aFollowerJoiningAfterTheEndGetsTheWholeLogFromItsOwnStream() {
        var groups = new SubscriptionGroups();
        var log = new Log();
        for (long p = 1; p <= LINES; p++) log.write(p);
        var all = groups.joinReplaying(KEY, log.own(), 100_000, Long.MAX_VALUE, IllegalStateException::new)
                .map(ReplayingGroupsTest::position).collectList().block(Duration.ofSeconds(10));
        assertThat(all).isEqualTo(expected());
    }

    @Test
    void aMemberLeavingDoesNotStopTheOthersAndTheLastStopsTheGroupsStream() {
        var groups = new SubscriptionGroups();
        var subscribed = new AtomicInteger();
        var cancelled = new AtomicInteger();
        var live = Sinks.many().multicast().<Long>directBestEffort();
        Supplier<Flux<Frame>> own = () -> live.asFlux()
                .doOnSubscribe(s -> subscribed.incrementAndGet())
                .doOnCancel(cancelled::incrementAndGet)
                .map(p -> new Frame(p, ("line " + p).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        var first = new ConcurrentLinkedQueue<Long>();
        var second = new ConcurrentLinkedQueue<Long>();
        var a = groups.joinReplaying(KEY, own, 100, Long.MAX_VALUE, IllegalStateException::new).subscribe(p -> first.add(position(p)));
        var b = groups.joinReplaying(KEY, own, 100, Long.MAX_VALUE, IllegalStateException::new).subscribe(p -> second.add(position(p)));
        live.tryEmitNext(1L);
        a.dispose();
        live.tryEmitNext(2L);
        assertThat(first).containsExactly(1L);
        assertThat(second).containsExactly(1L, 2L);
        assertThat(subscribed.get()).as("one stream for both").isEqualTo(1);
        b.dispose();
        assertThat(cancelled.get()).isEqualTo(1);
        assertThat(live.currentSubscriberCount()).isZero();
    }
}
