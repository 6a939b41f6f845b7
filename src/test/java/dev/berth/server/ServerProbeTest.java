package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe re-checks servers and counts failures (one node per round: a recurring job, see JobEngineTest). */
@MicronautTest(transactional = false)
class ServerProbeTest extends BerthTestBase {
    @Inject
    ServerProbe probe;

    /** A server of this class's team on a loopback port nobody listens on: every check of it fails fast. */
    private String serverOnAClosedPort(String keyName, String serverName) throws java.io.IOException {
        var key = http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", Map.of("n", keyName))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        return http().data("mutation($k: ID!, $p: Int!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", port: $p, privateKeyId: $k}) { server { id } } }",
                Map.of("k", key, "p", closed, "n", serverName)).path("createServer").path("server").path("id").asText();
    }

    @Test
    void aRoundChecksEveryServer() throws Exception {
        var id = serverOnAClosedPort("probe", "gone");
        assertThat(probe.round()).isPositive();
        probe.round();
        var stored = http().data("query($id: ID!) { server(id: $id) { status consecutiveFailures checkedAt } }", Map.of("id", id)).path("server");
        assertThat(stored.path("status").asText()).isEqualTo("UNREACHABLE");
        assertThat(stored.path("consecutiveFailures").asInt()).isEqualTo(2);
        assertThat(stored.path("checkedAt").isNull()).isFalse();
        // the probe acted as the system, and says so in the audit log
        var audited = http().data("{ auditEvents(filter: {action: \"probeServer\"}, first: 5) { edges { node { actorId ip userAgent details } } } }",
                Map.of()).path("auditEvents").path("edges");
        assertThat(audited).isNotEmpty();
        var event = audited.get(0).path("node");
        assertThat(event.path("actorId").isNull()).isTrue();
        assertThat(event.path("ip").asText()).isEqualTo("system");
        assertThat(event.path("userAgent").asText()).isEqualTo("berth:server-probe");
        assertThat(event.path("details").path("status").asText()).isEqualTo("UNREACHABLE");
    }

    @Test
    void aServerDeletedMidRoundIsSkippedAndTheRoundGoesOn() throws Exception {
        var live = serverOnAClosedPort("probe-2", "live");
        var deleted = java.util.UUID.randomUUID(); // listed, then gone by the time the round reaches it
        var system = dev.berth.api.Viewer.system(java.util.UUID.fromString(user().teamId()), "server-probe");
        assertThat(probe.check(system, java.util.List.of(deleted, java.util.UUID.fromString(live)))).isEqualTo(1);
        var stored = http().data("query($id: ID!) { server(id: $id) { status } }", Map.of("id", live)).path("server");
        assertThat(stored.path("status").asText()).isEqualTo("UNREACHABLE");
    }

    @Test
    void unexpectedDfOutputIsAnUnknownDiskNotAnUnreachableServer() {
        assertThat(ServerValidation.freeGiB("Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 100 50 52428800 50% /"))
                .isEqualTo(50);
        assertThat(ServerValidation.freeGiB("df: /: Permission denied")).isEqualTo(-1);
        assertThat(ServerValidation.freeGiB("Filesystem 1024-blocks Used Available\n/dev/vda 100 50 lots 50% /")).isEqualTo(-1);
        assertThat(ServerValidation.freeGiB("")).isEqualTo(-1);
    }
}
