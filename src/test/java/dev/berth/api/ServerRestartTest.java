package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import dev.berth.testing.WsClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Berth restart under live subscriptions: sockets are closed as the server stops, and the example client
 * (graphql-ws with retry and backoff) reconnects to the restarted server and receives the next event.
 */
class ServerRestartTest {

    @Test
    void clientsSeeGoingAwayAndTheExampleReconnectsAfterARestart() throws Exception {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Map<String, Object> config = new HashMap<>(TestServers.properties());
        config.put("micronaut.server.port", port);
        var base = URI.create("http://127.0.0.1:" + port);

        var first = ApplicationContext.run(EmbeddedServer.class, config);
        Process node = null;
        try {
            var user = TestUsers.signUp(base);
            var examples = Path.of("client-examples").toAbsolutePath();
            var err = Files.createTempFile("restart", ".err");
            var out = Files.createTempFile("restart", ".out");
            var builder = new ProcessBuilder("node", "subscribe-project-events.mjs", "--count", "1").directory(examples.toFile());
            builder.environment().put("BERTH_URL", base.toString());
            builder.environment().put("BERTH_TOKEN", user.accessToken());
            node = builder.redirectError(err.toFile()).redirectOutput(out.toFile()).start();
            await(() -> Files.readString(err).contains("connected to"), "the example connected");

            try (var ws = WsClient.connectAndInit(base, user.accessToken())) {
                ws.subscribe("p", "subscription { projectEvents { kind } }");
                dev.berth.testing.RedisChannels.awaitSubscribed(user.teamId(), "projects");
                // what SIGTERM does: Micronaut's shutdown hook closes the application context
                first.getApplicationContext().close();
                var code = ws.awaitClose(Duration.ofSeconds(20));
                // Berth sends 1001 (going away) to every socket before it stops, and both clients see it
                assertThat(code).as("closed while shutting down").isEqualTo(1001);
                await(() -> Files.readString(err).contains("connection closed (1001)"), "the example saw 1001");
            }

            try (var second = ApplicationContext.run(EmbeddedServer.class, config)) {
                await(() -> Files.readString(err).contains("reconnected"), "the example reconnected");
                dev.berth.testing.RedisChannels.awaitSubscribed(user.teamId(), "projects");
                user.http().data("mutation { createProject(input: {name: \"after-restart\"}) { project { id } } }", Map.of());
                assertThat(node.waitFor(20, TimeUnit.SECONDS)).as(Files.readString(err)).isTrue();
                assertThat(node.exitValue()).as(Files.readString(err)).isZero();
                assertThat(Files.readString(out)).contains("after-restart");
            }
        } finally {
            if (node != null && node.isAlive()) node.destroyForcibly();
            if (first.getApplicationContext().isRunning()) first.getApplicationContext().close();
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) return;
            Thread.sleep(50);
        }
        throw new AssertionError(what + " within 30 s");
    }
}
