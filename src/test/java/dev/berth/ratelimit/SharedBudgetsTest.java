package dev.berth.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.TestServers;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets spent locally and shared through a real Redis-protocol server: two instances stand for two Berth nodes. The
 * syncs are driven by the test (the interval is an hour), so each step of the bound is checked, not raced.
 */
class SharedBudgetsTest {
    private final RedisClient client = RedisClient.create(TestServers.properties().get("berth.redis.url"));
    private final java.util.List<io.lettuce.core.api.StatefulRedisConnection<String, String>> connections = new java.util.ArrayList<>();
    private final java.util.List<SharedBudgets> nodes = new java.util.ArrayList<>();
    private final String key = "berth:test:budget:" + UUID.randomUUID();

    private SharedBudgets node() {
        var connection = client.connect();
        connections.add(connection);
        var node = new SharedBudgets(new RateLimiter(connection, new SimpleMeterRegistry()), Duration.ofHours(1), 1000);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void close() {
        nodes.forEach(SharedBudgets::stop);
        connections.forEach(c -> c.close());
        client.shutdown();
    }

    @Test
    void oneNodeKeepsTheLimitExactlyWithoutAnySync() {
        var node = node();
        for (int i = 0; i < 10; i++) assertThat(node.spend(key, 10, 100, Duration.ofMinutes(1)).allowed()).isTrue();
        var refused = node.spend(key, 1, 100, Duration.ofMinutes(1));
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    }

    /** Two nodes: between syncs each sees only itself beyond what it last read (the documented bound); after them, both refuse. */
    @Test
    void twoNodesShareTheLimitAfterOneSyncAndExceedItOnlyByWhatTheOtherAdmittedMeanwhile() {
        var a = node();
        var b = node();
        var window = Duration.ofMinutes(1);
        assertThat(a.spend(key, 60, 100, window).allowed()).isTrue();
        a.syncNow();
        assertThat(b.spend(key, 50, 100, window).allowed()).as("b read a's 60 when it first met the key").isFalse();
        assertThat(b.spend(key, 30, 100, window).allowed()).isTrue();
        b.syncNow();
        assertThat(b.spend(key, 20, 100, window).allowed()).isFalse();
        assertThat(b.spend(key, 10, 100, window).allowed()).as("60 + 30 + 10").isTrue();
        // a has not synced since b's spending: it admits up to what it knew (its own 60): 40 over the limit in all
        assertThat(a.spend(key, 40, 100, window).allowed()).isTrue();
        a.syncNow();
        b.syncNow();
        var refusedA = a.spend(key, 1, 100, window);
        var refusedB = b.spend(key, 1, 100, window);
        assertThat(refusedA.allowed()).isFalse();
        assertThat(refusedB.allowed()).isFalse();
        // what both admitted, and the refused 1: the limit and the 40 a admitted without b's last 10 (a synced first)
        assertThat(refusedB.used()).isEqualTo(141);
        assertThat(refusedA.used()).isEqualTo(131);
        assertThat(refusedB.retryAfter()).isPositive();
    }

    @Test
    void aWindowThatEndsFreesTheBudgetOnEveryNode() throws Exception {
        var a = node();
        var b = node();
        var window = Duration.ofMillis(600);
        assertThat(a.spend(key, 100, 100, window).allowed()).isTrue();
        a.syncNow();
        b.syncNow();
        b.spend(key, 0, 100, window);
        b.syncNow();
        assertThat(a.spend(key, 1, 100, window).allowed()).isFalse();
        Thread.sleep(700);
        assertThat(a.spend(key, 50, 100, window).allowed()).isTrue();
        assertThat(b.spend(key, 50, 100, window).allowed()).isTrue();
    }

    /** With the server away, a node keeps to the limit on its own, and tells the server once it is back. */
    @Test
    void withoutTheServerANodeKeepsTheLimitOnItsOwn() {
        var a = node();
        connections.getFirst().close(); // the node's connection is gone: every sync fails
        assertThat(a.spend(key, 90, 100, Duration.ofMinutes(1)).allowed()).isTrue();
        a.syncNow();
        assertThat(a.spend(key, 20, 100, Duration.ofMinutes(1)).allowed()).as("the 90 still count here").isFalse();
        assertThat(a.spend(key, 10, 100, Duration.ofMinutes(1)).allowed()).isTrue();
    }

    @Test
    void pastTheKeyLimitANewKeyIsSpentInTheServerDirectly() {
        var connection = client.connect();
        connections.add(connection);
        var node = new SharedBudgets(new RateLimiter(connection, new SimpleMeterRegistry()), Duration.ofHours(1), 1);
        nodes.add(node);
        node.spend(key, 1, 100, Duration.ofMinutes(1));
        var other = key + ":other";
        assertThat(node.spend(other, 7, 100, Duration.ofMinutes(1)).used()).as("counted in the server at once").isEqualTo(7);
        try (var check = client.connect()) {
            assertThat(check.sync().get(other)).isEqualTo("7");
        }
    }
}
