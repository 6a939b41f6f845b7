package dev.berth.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.TestServers;
import dev.berth.testing.WsClient;
import io.lettuce.core.RedisClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two Berth nodes sharing one PostgreSQL and one Redis: a subscriber on node A sees a change made on node B,
 * delivered through Redis pub/sub after B's transaction committed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossNodeEventsTest {
    private EmbeddedServer nodeA;
    private EmbeddedServer nodeB;

    @BeforeAll
    void startTwoNodes() {
        nodeA = ApplicationContext.run(EmbeddedServer.class, new HashMap<>(TestServers.properties()));
        nodeB = ApplicationContext.run(EmbeddedServer.class, new HashMap<>(TestServers.properties()));
    }

    @AfterAll
    void stopNodes() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void anEventCommittedOnOneNodeReachesASubscriberOnTheOther() throws Exception {
        assertThat(nodeA.getPort()).isNotEqualTo(nodeB.getPort());
        var user = dev.berth.testing.TestUsers.signUp(nodeB.getURI());
        try (var subscriber = WsClient.connectAndInit(nodeA.getURI(), user.accessToken())) {
            subscriber.subscribe("x", "subscription { projectEvents { kind projectId project { name } } }");
            awaitRedisSubscriber();
            var name = "cross-" + UUID.randomUUID().toString().substring(0, 8);
            var id = new GraphQLHttp(nodeB.getURI()).as(user.accessToken())
                    .data("mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }",
                            Map.of("input", Map.of("name", name)))
                    .path("createProject").path("project").path("id").asText();
            var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                var event = subscriber.next(Duration.ofSeconds(10)).path("payload").path("data").path("projectEvents");
                if (event.path("projectId").asText().equals(id)) {
                    assertThat(event.path("kind").asText()).isEqualTo("CREATED");
                    assertThat(event.path("project").path("name").asText()).isEqualTo(name);
                    return;
                }
            }
            throw new AssertionError("node A never saw the project created on node B");
        }
    }

    /** Polls PUBSUB NUMPAT/CHANNELS until node A's subscription is registered in Redis. */
    private void awaitRedisSubscriber() throws InterruptedException {
        var client = RedisClient.create(TestServers.properties().get("berth.redis.url"));
        try (var connection = client.connect()) {
            for (int i = 0; i < 100; i++) {
                if (connection.sync().pubsubChannels("berth:*:projects").size() > 0) return;
                Thread.sleep(50);
            }
            throw new AssertionError("node A did not subscribe in Redis");
        } finally {
            client.shutdown();
        }
    }
}
