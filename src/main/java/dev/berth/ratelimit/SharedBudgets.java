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
 * most what the other nodes admit within one interval (one node alone keeps it exactly). While Dragonfly is away each
 * node keeps to the limit on its own. Keys are forgotten once their window is over; past {@code maxKeys} keys a new
 * key is spent in Dragonfly directly, as before.
 */
@Singleton
public final class SharedBudgets implements ApplicationEventListener<ApplicationShutdownEvent> {
    private final RateLimiter limiter;
    private final Duration syncInterval;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Budget> budgets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sync;

    SharedBudgets(RateLimiter limiter,
                  @Value("${berth.rate-limit.sync-interval:100ms}") Duration syncInterval,
                  @Value("${berth.rate-limit.max-local-keys:50000}") int maxKeys) {
        this.limiter = limiter;
        this.syncInterval = syncInterval;
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
                budget = budgets.computeIfAbsent(key, k -> new Budget(window));
            }
            var outcome = budget.spend(amount, limit, System.nanoTime());
            if (outcome != null) return outcome; // else the sync just retired it: take a fresh one
        }
    }

    /** Tells Dragonfly what every key spent since the last sync and learns each window's total; forgets ended windows. */
    void syncAll() {
        long now = System.nanoTime();
        for (var entry : budgets.entrySet()) {
            var budget = entry.getValue();
            try {
                long pending = budget.takePending();
                if (pending > 0) {
                    var shared = limiter.spend(entry.getKey(), pending, Long.MAX_VALUE, budget.window);
                    if (shared == RateLimiter.UNCHECKED) budget.returnPending(); // Dragonfly away: keep counting here
                    else budget.learned(shared, pending, System.nanoTime());
                } else if (budget.retireIfIdle(now)) {
                    budgets.remove(entry.getKey(), budget);
                }
            } catch (RuntimeException e) {
                budget.returnPending(); // tried again at the next sync
            }
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
        syncAll(); // what this node admitted last still counts for the others
    }

    /** Syncs now (tests). */
    void syncNow() {
        try {
            sync.submit(this::syncAll).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Duration syncInterval() {
        return syncInterval;
    }

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

        synchronized long takePending() {
            inFlight = unsynced;
            return inFlight;
        }

        synchronized void returnPending() {
            inFlight = 0;
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
