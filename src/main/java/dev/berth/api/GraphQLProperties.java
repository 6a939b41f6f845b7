package dev.berth.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;

/**
 * GraphQL transport settings ({@code berth.graphql.*}, e.g. {@code BERTH_GRAPHQL_INTROSPECTION=false}).
 * The limits are checked before anything executes.
 */
@ConfigurationProperties("berth.graphql")
public record GraphQLProperties(
        @Bindable(defaultValue = "true") boolean introspection,
        @Bindable(defaultValue = "true") boolean graphiql,
        @Bindable(defaultValue = "12") @Min(1) int maxDepth,
        @Bindable(defaultValue = "30") @Min(0) int maxAliases,
        @Bindable(defaultValue = "50000") @Min(1) long maxCost,
        @Bindable(defaultValue = "32768") @Min(64) int maxDocumentBytes,
        @Bindable(defaultValue = "10") @Min(1) int defaultListSize,
        @Bindable(defaultValue = "0") @Min(0) long maxCostInFlight,
        @Bindable(defaultValue = "0") @Min(0) int workers) {

    /**
     * Threads that run GraphQL requests over HTTP ({@code BERTH_GRAPHQL_WORKERS}); 0: four per core. Few on purpose:
     * requests queue in arrival order instead of all sharing the cores at once, which keeps the slowest answers
     * close to the typical ones. Slow operations ({@code @ownTransaction}) run on the blocking pool instead.
     */
    int workerThreads() {
        return workers > 0 ? workers : 4 * Runtime.getRuntime().availableProcessors();
    }

    /**
     * What the queries and mutations in flight may cost together ({@code BERTH_GRAPHQL_MAX_COST_IN_FLIGHT}); 0: 10,000
     * objects per core, and no more than one per 16 KiB of the heap. More large queries at once than the cores can run
     * only hold more of the heap: on two cores and 384 MiB, Q1 (600 applications, 4,920 objects) ran 36 to 37 a second
     * six or eight at a time (the collector paused the JVM for 10.8 s of a 76 s run), 50 to 53 four at a time.
     */
    long costInFlight() {
        return maxCostInFlight > 0 ? maxCostInFlight
                : costInFlightFor(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory());
    }

    static long costInFlightFor(int cores, long heapBytes) {
        return Math.max(CostGate.SMALL, Math.min(10_000L * cores, heapBytes / 16_384));
    }

    QueryLimits limits() {
        return new QueryLimits(maxDepth, maxAliases, maxCost, defaultListSize, introspection);
    }
}
