package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.RealDaemons;
import dev.berth.testing.TestDocker;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * An application's status follows its container after the deployment: killed, started, removed by hand on the
 * server, or crash-looping under its restart policy; each change is an applicationEvents UPDATED within seconds.
 */
@RealDaemons
@MicronautTest(transactional = false)
class ContainerStatusEndToEndTest extends DeploymentTestBase {
    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.deployments.network", "host", "berth.deployments.watch-containers", "true");
    }

    private static final String APPLICATION = "query($id: ID!) { application(id: $id) { status container { restartCount exitCode oomKilled observedAt } } }";

    private String deployed(String name, String restartPolicy, List<String> command) {
        var input = application(name, Map.of("image", Map.of("image", TestDocker.IMAGE)));
        input.put("command", command);
        input.put("restartPolicy", restartPolicy);
        var app = create(input);
        var id = deploy(app);
        follow(id, 0);
        assertThat(deployment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        return app;
    }

    private String containerOf(String app) {
        var found = docker().listContainersCmd().withShowAll(true).withLabelFilter(Map.of("berth.app", app)).exec();
        assertThat(found).hasSize(1);
        return found.getFirst().getId();
    }

    /** Waits (up to 20 s) until the application answers as {@code wanted} says; returns that answer. */
    private JsonNode await(String app, Predicate<JsonNode> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = http().data(APPLICATION, Map.of("id", app)).path("application");
            if (wanted.test(last)) return last;
            Thread.sleep(100);
        }
        throw new AssertionError(what + " within 20 s; last seen: " + last);
    }

    @Test
    void aContainerKilledStartedAndRemovedByHandIsFollowedWithAnEventEachTime() throws Exception {
        var app = deployed("hand", "NO", List.of("/bin/sleep", "3600"));
        await(app, a -> a.path("status").asText().equals("RUNNING") && !a.path("container").isNull(), "RUNNING with its container seen");
        var events = new ArrayList<String>();
        try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            ws.send(Map.of("id", "e", "type", "subscribe", "payload", Map.of(
                    "query", "subscription { applicationEvents { kind applicationId application { status } } }")));
            dev.berth.testing.RedisChannels.awaitSubscribed(user().teamId(), "applications");

            var container = containerOf(app);
            docker().killContainerCmd(container).exec();
            var exited = await(app, a -> a.path("status").asText().equals("EXITED"), "EXITED after a kill");
            assertThat(exited.path("container").path("exitCode").asInt()).as("SIGKILL").isEqualTo(137);
            collect(ws, events, app, "EXITED");

            docker().startContainerCmd(container).exec();
            var running = await(app, a -> a.path("status").asText().equals("RUNNING"), "RUNNING after a start by hand");
            assertThat(running.path("container").path("exitCode").isNull()).isTrue();
            collect(ws, events, app, "RUNNING");

            docker().removeContainerCmd(container).withForce(true).exec();
            await(app, a -> a.path("status").asText().equals("MISSING"), "MISSING after a removal by hand");
            collect(ws, events, app, "MISSING");
        }
        assertThat(events).containsSubsequence("EXITED", "RUNNING", "MISSING");
        var refused = http().post("mutation($id: ID!) { startApplication(input: {id: $id}) { application { status } } }", Map.of("id", app));
        assertThat(refused.firstErrorCode()).as("nothing to start: deploy again").isEqualTo("CONFLICT");
    }

    @Test
    void aCrashLoopIsRestartingWithItsRestartCountAndLastExit() throws Exception {
        var app = deployed("loop", "ALWAYS", List.of("/bin/sh", "-c", "sleep 2; exit 3"));
        var looping = await(app, a -> a.path("status").asText().equals("RESTARTING") && a.path("container").path("restartCount").asInt() >= 1,
                "RESTARTING with a restart counted");
        assertThat(looping.path("container").path("oomKilled").asBoolean()).isFalse();
        await(app, a -> a.path("container").path("exitCode").asInt(-1) == 3, "the last exit code seen");
    }

    /** Reads the socket until the application's event with {@code status} came (up to 20 s), noting each status seen. */
    private static void collect(WsClient ws, List<String> seen, String app, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var message = ws.poll(Duration.ofMillis(200));
            if (message == null) continue;
            var event = message.path("payload").path("data").path("applicationEvents");
            if (!event.path("applicationId").asText().equals(app)) continue;
            assertThat(event.path("kind").asText()).isEqualTo("UPDATED");
            var now = event.path("application").path("status").asText();
            seen.add(now);
            if (now.equals(status)) return;
        }
        throw new AssertionError("no applicationEvents UPDATED with " + status + "; seen " + seen);
    }
}
