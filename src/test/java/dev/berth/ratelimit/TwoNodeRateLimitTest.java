package dev.berth.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthProcess;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.TestUsers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two Berth nodes sharing one PostgreSQL and one Dragonfly: the cost budget is spent locally on each and shared in the
 * background, so a caller spreading requests over both still meets 429 near the limit (the bound: what the other node
 * admitted since the last sync, 50 ms here), not at twice the limit.
 */
class TwoNodeRateLimitTest {
    private static final String QUERY = "{ me { user { id } } }";

    @Test
    void aCallerSpreadOverTwoNodesMeets429NearTheSharedLimit() throws Exception {
        var nodes = BerthProcess.startTwo(Map.of("berth.rate-limit.cost-per-minute", "600", "berth.rate-limit.sync-interval", "50ms",
                // the shared test settings use a cheap Argon2 that only the test environment accepts: these nodes run without it
                "berth.identity.password-memory-kib", "19456", "berth.identity.password-iterations", "2"));
        try (var first = nodes[0]; var second = nodes[1]) {
            try {
                measure(first, second);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n--- first node:\n" + first.output() + "\n--- second node:\n" + second.output(), e);
            }
        }
    }

    private static void measure(BerthProcess first, BerthProcess second) throws InterruptedException {
        {
            var alone = TestUsers.signUp(first.uri());
            int byOneNode = admittedUntilRefused(new GraphQLHttp[] {alone.http()});
            assertThat(byOneNode).as("one node alone").isBetween(50, 600);

            var spread = TestUsers.signUp(first.uri());
            var onSecond = new GraphQLHttp(second.uri(), spread.accessToken(), spread.teamId());
            int byTwoNodes = admittedUntilRefused(new GraphQLHttp[] {spread.http(), onSecond});
            System.out.println("event=two-node-rate-limit one-node=" + byOneNode + " two-nodes=" + byTwoNodes);
            assertThat(byTwoNodes).as("both nodes together (one alone admitted " + byOneNode + ")").isBetween(byOneNode - 1, byOneNode + byOneNode / 3);

            Thread.sleep(200); // two syncs: each node knows the other's spending
            for (var http : new GraphQLHttp[] {spread.http(), onSecond}) {
                var refused = http.post(QUERY);
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.firstErrorCode()).isEqualTo("RATE_LIMITED");
            }
        }
    }

    /** Requests in turn over the nodes until one is refused; how many were admitted. */
    private static int admittedUntilRefused(GraphQLHttp[] nodes) {
        for (int i = 0; i < 5000; i++) {
            var result = nodes[i % nodes.length].post(QUERY);
            if (result.status() == 429) return i;
            assertThat(result.status()).as(result.body()).isEqualTo(200);
        }
        throw new AssertionError("never refused");
    }
}
