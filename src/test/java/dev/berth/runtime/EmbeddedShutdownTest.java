package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthProcess;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.RealDaemons;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import dev.berth.testing.TestUsers;
import dev.berth.testing.WsClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stop signal on the embedded default (a node in a JVM of its own, with its own PostgreSQL and Redis) stops Berth
 * in order: sockets get 1001, the running deployment is handed over (not failed), and only then do the embedded
 * servers stop; the next start takes the deployment over and finishes it.
 */
@RealDaemons
class EmbeddedShutdownTest {
    private static final String DEPLOYMENT = "query($id: ID!) { deployment(id: $id) { status reason logs(first: 500) { text } } }";

    @Test
    void aStopSignalClosesSocketsWith1001AndTheNextStartFinishesTheRunningDeployment() throws Exception {
        var dataDir = Files.createTempDirectory("berth-embedded-stop-");
        var settings = Map.of("berth.data-dir", dataDir.toString(), "berth.deployments.network", "host",
                "berth.jobs.heartbeat", "1s", "berth.jobs.missed-heartbeats", "4", "berth.jobs.polling-interval", "1s", "berth.jobs.shutdown-wait", "1s",
                "berth.servers.probe.enabled", "false");
        String token;
        String deployment;
        try (var node = BerthProcess.startEmbedded(settings)) {
            var user = TestUsers.signUp(node.uri());
            token = user.accessToken();
            var sshd = TestSshd.get();
            var key = ManagedServers.authorizedKey(user.http(), sshd, "stop");
            var server = ManagedServers.server(user.http(), sshd, key, sshd.port(), TestDocker.get().socket()).toString();
            var environment = user.http().data("mutation { createProject(input: {name: \"stopping\"}) { project { environments { id } } } }", Map.of())
                    .path("createProject").path("project").path("environments").get(0).path("id").asText();
            int port = freePort();
            var input = new LinkedHashMap<String, Object>();
            input.put("environmentId", environment);
            input.put("serverId", server);
            input.put("name", "slow");
            input.put("source", Map.of("image", Map.of("image", TestDocker.IMAGE)));
            // the first container answers after 10 s (longer than the node's stop takes: it waits 1 s for running jobs); the next one at once
            input.put("command", List.of("/bin/sh", "-c", "if [ ! -e /mark/first ]; then touch /mark/first; sleep 10; fi; "
                    + "exec /bin/busybox httpd -f -p 127.0.0.1:" + port + " -h /bin"));
            input.put("volumes", List.of(Map.of("name", "mark", "mountPath", "/mark")));
            input.put("ports", List.of(Map.of("containerPort", port)));
            input.put("healthCheck", Map.of("path", "/echo", "port", port, "intervalSeconds", 1, "retries", 3, "startPeriodSeconds", 60));
            input.put("stopGracePeriodSeconds", 1);
            var app = user.http().data("mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }", Map.of("i", input))
                    .path("createApplication").path("application").path("id").asText();
            deployment = user.http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app))
                    .path("deployApplication").path("deployment").path("id").asText();
            awaitStatus(user.http(), deployment, "HEALTH_CHECKING", Duration.ofSeconds(60));

            try (var socket = WsClient.connectAndInit(node.uri(), token)) {
                socket.subscribe("p", "subscription { projectEvents { kind } }");
                node.terminate(); // SIGTERM
                assertThat(socket.awaitClose(Duration.ofSeconds(10))).as(node.output()).isEqualTo(1001);
            }
            var output = node.output();
            assertThat(output).as("the deployment was handed over, not failed").contains("event=deployment-handed-over")
                    .doesNotContain("status=FAILED");
            assertThat(output).as("nothing used PostgreSQL or Redis after they stopped")
                    .doesNotContain("terminating connection due to administrator command").doesNotContain("PSQLException")
                    .doesNotContain("Reconnecting").doesNotContain("RedisConnectionException").doesNotContain("Connection refused");
            assertThat(output.indexOf("event=deployment-handed-over")).as("the job stopped before the pools closed")
                    .isLessThan(output.indexOf("HikariDataSource berth - Shutdown initiated"));
        }
        try (var again = BerthProcess.startEmbedded(settings)) {
            var http = new GraphQLHttp(again.uri()).as(token);
            var ended = awaitStatus(http, deployment, "SUCCEEDED", Duration.ofSeconds(90));
            assertThat(ended.toString()).contains("this node is stopping; another node takes the deployment over")
                    .contains("taking over from a node that stopped (attempt 2)");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode awaitStatus(GraphQLHttp http, String id, String status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        com.fasterxml.jackson.databind.JsonNode state = null;
        while (System.nanoTime() < deadline) {
            state = http.data(DEPLOYMENT, Map.of("id", id)).path("deployment");
            if (status.equals(state.path("status").asText())) return state;
            assertThat(state.path("status").asText()).as(state.toString()).isNotIn("FAILED", "CANCELLED");
            Thread.sleep(200);
        }
        throw new AssertionError("not " + status + " within " + within + ": " + state);
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
