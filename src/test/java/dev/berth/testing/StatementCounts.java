package dev.berth.testing;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The round trips a piece of work costs, read from {@code berth.sql.statements} (and those that went with a COMMIT,
 * {@code berth.sql.statements.with.commit}). The counters are the node's: its background work (the container watch's
 * refresh, one statement per team; a job's run) counts in them too, whenever it happens to run. Background work only
 * adds, so the work is run {@link #RUNS} times and the run with the fewest statements is its cost (both counters from
 * that run): one quiet run is enough, and a regression that adds a statement shows in every run. What the work warms
 * on its first run (a cached caller) is warm in the others: the cost is that of warm work, as the callers' own
 * warm-ups already made it. The work must be repeatable (a read, or a write of a new
 * name each time).
 */
public final class StatementCounts {
    static final int RUNS = 3;

    private StatementCounts() {}

    /** The statements and, of them, those sent with their transaction's COMMIT. */
    public record Cost(double statements, double withCommit) {}

    public static Cost of(MeterRegistry meters, Runnable work) {
        var statements = meters.counter("berth.sql.statements");
        var withCommit = meters.counter("berth.sql.statements.with.commit");
        Cost quietest = null;
        for (int run = 0; run < RUNS; run++) {
            double before = statements.count();
            double beforeWithCommit = withCommit.count();
            work.run();
            var cost = new Cost(statements.count() - before, withCommit.count() - beforeWithCommit);
            if (quietest == null || cost.statements() < quietest.statements()) quietest = cost;
        }
        return quietest;
    }

    /** The statements the work costs. */
    public static double statements(MeterRegistry meters, Runnable work) {
        return of(meters, work).statements();
    }
}
