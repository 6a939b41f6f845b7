package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestSshd;
import dev.berth.testing.WsClient;
import io.lettuce.core.RedisClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** validateServer against a real sshd and dockerd; its steps stream over graphql-ws, late subscribers included. */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class ServerValidationTest extends BerthTestBase {
    private String keyId;
    private TestSshd sshd;
    private TestDocker docker;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.ssh.connect-timeout", "2s");
    }

    @BeforeAll
    void realDaemons() {
        sshd = TestSshd.get();
        docker = TestDocker.get();
        keyId = ManagedServers.authorizedKey(http(), sshd, "validation");
    }

    private String server(int port, String dockerSocket) {
        return ManagedServers.server(http(), sshd, keyId, port, dockerSocket).toString();
    }

    /** Starts a validation, subscribes (after the start, on purpose), and collects steps until the result. */
    private List<JsonNode> validate(String serverId) {
        var validationId = http().data("mutation($id: ID!) { validateServer(input: {id: $id}) { validationId } }", Map.of("id", serverId))
                .path("validateServer").path("validationId").asText();
        var steps = new ArrayList<JsonNode>();
        try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            client.send(Map.of("id", "v", "type", "subscribe", "payload", Map.of(
                    "query", "subscription($id: ID!) { serverValidation(id: $id) { index step ok detail status } }",
                    "variables", Map.of("id", validationId))));
            while (true) {
                var message = client.next(Duration.ofSeconds(60));
                if (message.path("type").asText().equals("complete")) break;
                assertThat(message.path("type").asText()).as(message.toString()).isEqualTo("next");
                steps.add(message.path("payload").path("data").path("serverValidation"));
            }
        }
        return steps;
    }

    @Test
    void aHealthyServerIsReachableWithItsFactsStoredCachedAndAnnounced() throws Exception {
        var id = server(sshd.port(), docker.socket());
        try (var events = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            events.subscribe("e", "subscription { serverEvents { serverId status } }");
            dev.berth.testing.RedisChannels.awaitSubscribed(user().teamId(), "servers");
            var steps = validate(id);
            assertThat(steps).extracting(s -> s.path("step").asText())
                    .containsExactly("connect", "host-key", "os", "architecture", "disk", "docker", "network", "result");
            assertThat(steps).extracting(s -> s.path("index").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
            assertThat(steps.getLast().path("status").asText()).isEqualTo("REACHABLE");
            var event = events.next(Duration.ofSeconds(10)).path("payload").path("data").path("serverEvents");
            assertThat(event.path("serverId").asText()).isEqualTo(id);
            assertThat(event.path("status").asText()).isEqualTo("REACHABLE");
        }
        var stored = http().data("query($id: ID!) { server(id: $id) { status facts checkedAt consecutiveFailures hostKeyFingerprint } }",
                Map.of("id", id)).path("server");
        assertThat(stored.path("status").asText()).isEqualTo("REACHABLE");
        assertThat(stored.path("facts").path("os").asText()).startsWith("Linux");
        assertThat(stored.path("facts").path("dockerVersion").asText()).isNotBlank();
        assertThat(stored.path("hostKeyFingerprint").asText()).isEqualTo(sshd.hostKeyFingerprint());
        var redis = RedisClient.create(TestServers.properties().get("berth.redis.url"));
        try (var connection = redis.connect()) {
            assertThat(connection.sync().get("berth:" + user().teamId() + ":server:" + id + ":status")).isEqualTo("REACHABLE");
        } finally {
            redis.shutdown();
        }
    }

    /**
     * The test daemon runs with --bridge=none: a server on the default BRIDGE mode is told so by validation, with what
     * to do (its status stands: SSH and Docker answer); once its networkMode is HOST the step passes.
     */
    @Test
    void validationSaysWhetherTheServersNetworkModeCanWork() {
        var id = server(sshd.port(), docker.socket());
        assertThat(http().data("query($id: ID!) { server(id: $id) { networkMode } }", Map.of("id", id)).path("server").path("networkMode").asText())
                .as("no choice: BERTH_DEPLOYMENTS_NETWORK's").isEqualTo("BRIDGE");
        var steps = validate(id);
        var network = steps.stream().filter(s -> s.path("step").asText().equals("network")).findFirst().orElseThrow();
        assertThat(network.path("ok").asBoolean()).isFalse();
        assertThat(network.path("detail").asText()).contains("no network bridge with an address").contains("networkMode is HOST");
        assertThat(steps.getLast().path("status").asText()).isEqualTo("REACHABLE");

        var updated = http().data("mutation($id: ID!) { updateServer(input: {id: $id, networkMode: HOST}) { server { networkMode } } }",
                Map.of("id", id)).path("updateServer").path("server");
        assertThat(updated.path("networkMode").asText()).isEqualTo("HOST");
        network = validate(id).stream().filter(s -> s.path("step").asText().equals("network")).findFirst().orElseThrow();
        assertThat(network.path("ok").asBoolean()).isTrue();
        assertThat(network.path("detail").asText()).contains("networkMode HOST");
        assertThat(http().data("query($id: ID!) { server(id: $id) { facts } }", Map.of("id", id)).path("server").path("facts")
                .path("networkMode").asText()).isEqualTo("HOST");
    }

    @Test
    void noDockerOnTheSocketIsDockerMissing() {
        var steps = validate(server(sshd.port(), "/tmp/no-docker-here.sock"));
        assertThat(steps.getLast().path("status").asText()).isEqualTo("DOCKER_MISSING");
        assertThat(steps.toString()).as("the step names the socket it tried, and why it failed")
                .contains("Docker does not answer on /tmp/no-docker-here.sock: ").doesNotContain("Exception");
    }

    @Test
    void aClosedPortIsUnreachableAndCountsFailures() throws Exception {
        int closed;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        var id = server(closed, docker.socket());
        var steps = validate(id);
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).path("ok").asBoolean()).isFalse();
        assertThat(steps.getLast().path("status").asText()).isEqualTo("UNREACHABLE");
        validate(id);
        var stored = http().data("query($id: ID!) { server(id: $id) { status consecutiveFailures } }", Map.of("id", id)).path("server");
        assertThat(stored.path("consecutiveFailures").asInt()).isEqualTo(2);
    }
}
