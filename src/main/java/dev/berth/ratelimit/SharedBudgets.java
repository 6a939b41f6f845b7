package dev.berth.ratelimit;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.event.ApplicationShutdownEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Per-minute budgets spent on the request path without a round trip: each node keeps, per key, what it spent since it
 * last told Dragonfly and what Dragonfly last said every node had spent in the window; a request is admitted when the
 * two together stay within the limit. Every {@code syncInterval} (100 ms by default) a background thread adds what
 * each key spent to the shared window ({@link RateLimiter#spend}) and learns the total back.
 *
 * <p>The bound: a node does not see what the other nodes spent since its last sync, so the limit is exceeded by at
 * most what the other nodes admit within one sync pass (the interval, plus Dragonfly's answer: at most 2 s). A node
 * meeting a key first reads the window's total once. One node alone keeps the limit exactly; while Dragonfly is away
 * each node keeps it on its own, and what it had not sent when a window ends is dropped with that window. Keys are
 * forgotten once their window is over; past {@code maxKeys} keys a new key is spent in Dragonfly directly, as before.
 */
@Singleton
public final class SharedBudgets implements ApplicationEventListener<ApplicationShutdownEvent> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SharedBudgets.class);
    /** How long one pass waits for Dragonfly's answers; a key not answered by then is synced again later. */
    private static final Duration PASS_DEADLINE = Duration.ofSeconds(2);

    private final RateLimiter limiter;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Budget> budgets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sync;
    /** A pass's calls to Dragonfly, side by side. */
    private final java.util.concurrent.ExecutorService calling = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    SharedBudgets(RateLimiter limiter,
                  @Value("${berth.rate-limit.sync-interval:100ms}") Duration syncInterval,
                  @Value("${berth.rate-limit.max-local-keys:50000}") int maxKeys) {
        this.limiter = limiter;
        this.maxKeys = maxKeys;
        this.sync = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-budget-sync").factory());
        sync.scheduleWithFixedDelay(this::syncAll, syncInterval.toMillis(), syncInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Spends {@code amount} from {@code key}'s window of length {@code window}, at most {@code limit} in it. */
    public RateLimiter.Outcome spend(String key, long amount, long limit, Duration window) {
        while (true) {
            var budget = budgets.get(key);
            if (budget == null) {
                if (budgets.size() >= maxKeys) return limiter.spend(key, amount, limit, window);
                var fresh = new Budget(window);
                var existing = budgets.putIfAbsent(key, fresh);
                budget = existing != null ? existing : fresh;
                // a key met mid-window starts from what every node spent in it, not from nothing: one read, once
                if (existing == null) fresh.known(limiter.peek(key, limit), System.nanoTime());
            }
            var outcome = budget.spend(amount, limit, System.nanoTime());
            if (outcome != null) return outcome; // else the sync just retired it: take a fresh one
        }
    }

    /**
     * Tells Dragonfly what every key spent since the last sync and learns each window's total; forgets ended windows.
     * The keys are synced side by side (one virtual thread each, Lettuce pipelines their calls), the pass waits at most
     * {@link #PASS_DEADLINE}: many keys or a slow Dragonfly cost the bound that much, not a round trip per key in turn.
     */
    void syncAll() {
        try {
            long now = System.nanoTime();
            var calls = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (var entry : budgets.entrySet()) {
                var budget = entry.getValue();
                var pending = budget.takePending(now);
                if (pending == null) {
                    if (budget.retireIfIdle(now)) budgets.remove(entry.getKey(), budget);
                    continue;
                }
                calls.add(calling.submit(() -> {
                    try {
                        var shared = limiter.spend(entry.getKey(), pending.amount(), Long.MAX_VALUE, pending.rest());
                        if (shared == RateLimiter.UNCHECKED) budget.returnPending(); // Dragonfly away: keep counting here
                        else budget.learned(shared, pending.amount(), System.nanoTime());
                    } catch (RuntimeException e) {
                        budget.returnPending(); // tried again at the next sync
                    }
                }));
            }
            long deadline = System.nanoTime() + PASS_DEADLINE.toNanos();
            for (var call : calls) {
                try {
                    call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // still waiting for Dragonfly: its budget stays in flight and is skipped until it is answered
                } catch (java.util.concurrent.ExecutionException e) {
                    // reported by the call itself
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // a failed pass must not end the schedule: the next one tries again
            LOG.warn("event=budget-sync-failed error={}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void onApplicationEvent(ApplicationShutdownEvent event) {
        stop();
    }

    @PreDestroy
    void stop() {
        if (sync.isShutdown()) return;
        sync.shutdown();
        try {
            // a pass under way finishes first: running a second one beside it would send the same amounts twice
            if (sync.awaitTermination(PASS_DEADLINE.toMillis() + 500, TimeUnit.MILLISECONDS)) syncAll(); // what this node admitted last still counts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        calling.shutdown();
    }

    /** Syncs now (tests). */
    void syncNow() {
        try {
            sync.submit(this::syncAll).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An amount to send and the rest of the window it belongs to. */
    private record Pending(long amount, Duration rest) {}

    /** One key's window as this node knows it. */
    private static final class Budget {
        final Duration window;
        /** Spent here and not yet told to Dragonfly (including what a sync is telling it now). */
        private long unsynced;
        /** Of {@link #unsynced}, what the running sync took. */
        private long inFlight;
        /** Every node's spending in the window, as Dragonfly last said (our synced part included). */
        private long shared;
        /** When the window ends (nanoTime); until the first sync, a window of its full length from the first spend. */
        private long endsAt;
        private boolean started;
        /** Forgotten by the sync: a spend that still finds it takes a fresh one. */
        private boolean retired;

        Budget(Duration window) {
            this.window = window;
        }

        /** Null when retired. */
        synchronized RateLimiter.Outcome spend(long amount, long limit, long now) {
            if (retired) return null;
            if (!started || now - endsAt >= 0) {
                // a new window: what was shared, and what was not yet sent, belong to the old one (a sync learns the
                // new total); what a sync is sending now stays until it is counted
                started = true;
                shared = 0;
                unsynced = inFlight;
                endsAt = now + window.toNanos();
            }
            long used = shared + unsynced + amount;
            if (used > limit) return new RateLimiter.Outcome(false, used, Duration.ofNanos(Math.max(0, endsAt - now)));
            unsynced += amount;
            return new RateLimiter.Outcome(true, used, Duration.ZERO);
        }

        /**
         * What to send now and the rest of its window (a key Dragonfly creates from it lives as long as this window
         * here); null when there is nothing to send, a call is still in flight, or the window ended (what it had not
         * sent is dropped with it: it must not count against a fresh window).
         */
        synchronized Pending takePending(long now) {
            if (inFlight > 0 || unsynced == 0 || !started) return null;
            if (now - endsAt >= 0) {
                unsynced = 0;
                return null;
            }
            inFlight = unsynced;
            return new Pending(inFlight, Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), endsAt - now)));
        }

        synchronized void returnPending() {
            inFlight = 0;
        }

        /** What Dragonfly says of the window when this node first meets the key (nothing when it has none). */
        synchronized void known(RateLimiter.Outcome outcome, long now) {
            if (outcome == RateLimiter.UNCHECKED || outcome.used() <= 0 || outcome.retryAfter().isZero()) return;
            started = true;
            shared = outcome.used();
            endsAt = now + outcome.retryAfter().toNanos();
        }

        /** Dragonfly counted {@code sent} more: the window's total is {@code outcome.used()}, its rest {@code retryAfter}. */
        synchronized void learned(RateLimiter.Outcome outcome, long sent, long now) {
            unsynced = Math.max(0, unsynced - sent);
            inFlight = 0;
            shared = outcome.used();
            endsAt = now + outcome.retryAfter().toNanos();
        }

        synchronized boolean retireIfIdle(long now) {
            if (unsynced == 0 && started && now - endsAt >= 0) retired = true;
            return retired;
        }
    }
}
