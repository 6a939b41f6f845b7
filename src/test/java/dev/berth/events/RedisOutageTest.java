package dev.berth.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.WsClient;
import io.lettuce.core.RedisClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Dragonfly goes away while Berth serves: reads and writes keep working (rate limits fail open), live
 * subscriptions end with close 1013 instead of silently missing events, /health is DOWN (503); when Dragonfly
 * returns, Berth recovers by itself and a new subscription receives events again.
 */
@MicronautTest(transactional = false)
class RedisOutageTest extends BerthTestBase {
    private static final int PORT = freePort();
    private static RedisServer redis = start();

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.redis.url", "redis://127.0.0.1:" + PORT);
    }

    @AfterAll
    void stopOwnRedis() throws IOException {
        if (redis != null) redis.stop();
    }

    @Test
    void theApiOutlivesAnOutageAndRecoversByItself() throws Exception {
        var http = http();
        try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            ws.subscribe("p", "subscription { projectEvents { kind } }");
            awaitSubscribers(1);

            redis.stop();
            assertThat(ws.awaitClose(Duration.ofSeconds(15))).isEqualTo(1013);
            assertThat(http.post("{ me { user { id } } }").status()).isEqualTo(200);
            assertThat(http.post("mutation { createProject(input: {name: \"during-outage\"}) { project { id } } }").firstErrorCode()).isNull();
            var health = health();
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().path("status").asText()).isEqualTo("DOWN");
        }

        redis = start();
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (health().status() != 200 && System.nanoTime() < deadline) Thread.sleep(200);
        assertThat(health().status()).as("Berth reconnects to Dragonfly by itself").isEqualTo(200);
        try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            ws.subscribe("p", "subscription { projectEvents { kind } }");
            awaitSubscribers(1);
            http.post("mutation { createProject(input: {name: \"after-outage\"}) { project { id } } }");
            assertThat(ws.next(Duration.ofSeconds(10)).path("payload").path("data").path("projectEvents").path("kind").asText())
                    .isEqualTo("CREATED");
        }
    }

    private dev.berth.testing.HttpResult health() {
        return new GraphQLHttp(server.getURI()).raw("GET", "/health", null, "application/json", null);
    }

    private void awaitSubscribers(long atLeast) throws InterruptedException {
        var channel = "berth:" + user().teamId() + ":projects";
        var client = RedisClient.create("redis://127.0.0.1:" + PORT);
        try (var connection = client.connect()) {
            for (int i = 0; i < 400; i++) {
                if (connection.sync().pubsubNumsub(channel).getOrDefault(channel, 0L) >= atLeast) return;
                Thread.sleep(25);
            }
            throw new AssertionError(channel + " never got a subscriber");
        } finally {
            client.shutdown();
        }
    }

    private static RedisServer start() {
        try {
            var server = RedisServer.newRedisServer().port(PORT).setting("bind 127.0.0.1").setting("save \"\"").build();
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
