package dev.berth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

/**
 * The cost budget across two Berth nodes sharing one PostgreSQL and one Dragonfly: spent locally on each and shared in
 * the background, so a caller spreading requests over both still meets 429 near the limit (the bound: what the other
 * node admitted since the last sync), not at twice the limit. Run on nodes a test starts anyway (they cost seconds each).
 */
public final class SharedBudgetCheck {
    /**
     * What the nodes need for it: a small budget, a quick sync, and Argon2 settings a node outside the test environment
     * accepts (the shared test settings' cheap ones stop its password hasher; nothing is hashed on the nodes).
     */
    public static final Map<String, String> NODE_SETTINGS = Map.of("berth.rate-limit.cost-per-minute", "300", "berth.rate-limit.sync-interval", "50ms",
            "berth.identity.password-memory-kib", "19456", "berth.identity.password-iterations", "2");
    private static final String QUERY = "{ me { user { id } } }";

    private SharedBudgetCheck() {}

    /**
     * {@code alone} and {@code spread}: two users of the nodes' database, signed up elsewhere (the test's own server
     * hashes passwords cheaply; the nodes, outside the test environment, would not).
     */
    public static void overTwoNodes(BerthProcess first, BerthProcess second, TestUsers.TestUser alone, TestUsers.TestUser spread)
            throws InterruptedException {
        int byOneNode = admittedUntilRefused(new GraphQLHttp[] {new GraphQLHttp(first.uri(), alone.accessToken(), alone.teamId())});
        assertThat(byOneNode).as("one node alone").isBetween(50, 300);

        var onFirst = new GraphQLHttp(first.uri(), spread.accessToken(), spread.teamId());
        var onSecond = new GraphQLHttp(second.uri(), spread.accessToken(), spread.teamId());
        int byTwoNodes = admittedUntilRefused(new GraphQLHttp[] {onFirst, onSecond});
        // the window (60 s from the key's first spend, which the test's own server may have made long before) must not
        // end during the checks below: a fresh window admits again, rightly. Near its end, wait for the next and measure there.
        if (lastRetryAfter <= 3) {
            Thread.sleep((lastRetryAfter + 1) * 1000L);
            byTwoNodes = admittedUntilRefused(new GraphQLHttp[] {onFirst, onSecond});
        }
        System.out.println("event=two-node-rate-limit one-node=" + byOneNode + " two-nodes=" + byTwoNodes + " window-left=" + lastRetryAfter + "s");
        assertThat(byTwoNodes).as("both nodes together (one alone admitted " + byOneNode + ")").isBetween(byOneNode - 1, byOneNode + byOneNode / 3);

        // after a few syncs (every 50 ms) each node knows the other's spending and refuses too; on a loaded machine
        // a sync may come late, so each node is given 3 s, and what it admits meanwhile is counted against the bound
        int late = 0;
        for (var http : new GraphQLHttp[] {onFirst, onSecond}) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
            var refused = http.post(QUERY);
            while (refused.status() == 200 && System.nanoTime() < deadline) {
                late++;
                Thread.sleep(50);
                refused = http.post(QUERY);
            }
            assertThat(refused.status()).as("refused once the nodes synced").isEqualTo(429);
            assertThat(refused.firstErrorCode()).isEqualTo("RATE_LIMITED");
        }
        System.out.println("event=two-node-rate-limit admitted-after-refusal=" + late);
        assertThat(byTwoNodes + late).as("both nodes together, with what they admitted before syncing").isLessThanOrEqualTo(byOneNode + byOneNode / 3);
    }

    /** The refusal's Retry-After, in seconds: how long its window has left. */
    private static long lastRetryAfter;

    /** Requests in turn over the nodes until one is refused; how many were admitted. */
    private static int admittedUntilRefused(GraphQLHttp[] nodes) {
        for (int i = 0; i < 5000; i++) {
            var result = nodes[i % nodes.length].post(QUERY);
            if (result.status() == 429) {
                lastRetryAfter = result.headers().firstValue("Retry-After").map(Long::parseLong).orElse(60L);
                return i;
            }
            assertThat(result.status()).as(result.body()).isEqualTo(200);
        }
        throw new AssertionError("never refused");
    }
}
