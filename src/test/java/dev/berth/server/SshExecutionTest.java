package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.Viewer;
import dev.berth.execution.Argv;
import dev.berth.execution.RemoteShell;
import dev.berth.execution.ServerUnreachableException;
import dev.berth.testing.Hostile;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Commands over a real OpenSSH sshd on loopback: quoting, host-key pinning, refusal and timeouts. */
// Calls beans directly: without its own transaction around each test, their writes commit as in production.
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class SshExecutionTest extends BerthTestBase {
    @Inject
    ServerCommands commands;

    @Inject
    RemoteShell shell;

    private TestSshd sshd;
    private Viewer viewer;
    private String keyId;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.ssh.connect-timeout", "2s");
    }

    @BeforeAll
    void aKeyAuthorizedOnTheRealSshd() {
        sshd = TestSshd.get();
        keyId = ManagedServers.authorizedKey(http(), sshd, "ssh");
        viewer = ManagedServers.ownerViewer(user());
    }

    private UUID server(String host, int port, String key) {
        return ManagedServers.server(http(), sshd, key, port, "/var/run/docker.sock");
    }

    private String pinned(UUID id) {
        return http().data("query($id: ID!) { server(id: $id) { hostKeyFingerprint } }", Map.of("id", id.toString()))
                .path("server").path("hostKeyFingerprint").asText(null);
    }

    static java.util.List<String> hostile() {
        return Hostile.arguments();
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void hostileArgumentsReachTheRemoteProcessUnchangedAndNothingRuns(String argument) {
        var id = server("127.0.0.1", sshd.port(), keyId);
        var result = commands.run(viewer, id, Argv.of("printf", "%s", argument));
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo(argument);
        assertThat(Files.exists(Hostile.CANARY)).isFalse();
    }

    @Test
    void theFirstContactPinsTheHostKeyAndAChangedKeyIsRefusedUntilTrusted() {
        var id = server("127.0.0.1", sshd.port(), keyId);
        assertThat(pinned(id)).isNull();
        assertThat(commands.run(viewer, id, Argv.of("true")).exitCode()).isZero();
        assertThat(pinned(id)).isEqualTo(sshd.hostKeyFingerprint());

        sshd.rotateHostKey();
        shell.forget(id); // the old connection dies with a real reinstall
        var newKey = sshd.hostKeyFingerprint();
        assertThatThrownBy(() -> commands.run(viewer, id, Argv.of("true")))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("host key changed").hasMessageContaining(newKey);

        var trusted = http().post("mutation($id: ID!, $fp: String!) { trustServerHostKey(input: {id: $id, fingerprint: $fp}) { server { hostKeyFingerprint } } }",
                Map.of("id", id.toString(), "fp", newKey));
        assertThat(trusted.firstErrorCode()).isNull();
        assertThat(commands.run(viewer, id, Argv.of("true")).exitCode()).isZero();
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefused() {
        var stranger = http().data("mutation { generatePrivateKey(input: {name: \"unknown\"}) { privateKey { id } } }", Map.of())
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        var id = server("127.0.0.1", sshd.port(), stranger);
        assertThatThrownBy(() -> commands.run(viewer, id, Argv.of("true")))
                .isInstanceOf(ServerUnreachableException.class).hasMessageContaining("refused");
    }

    @Test
    void aClosedPortAndASilentListenerAreUnreachableWithinTheTimeoutWithoutLeakingThreads() throws Exception {
        int closedPort;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        var closed = server("127.0.0.1", closedPort, keyId);
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var mute = server("127.0.0.1", silent.getLocalPort(), keyId);
            for (int i = 0; i < 3; i++) attempt(closed); // warm-up
            int before = Thread.activeCount();
            for (int i = 0; i < 10; i++) attempt(closed);
            long started = System.nanoTime();
            var error = attempt(mute);
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertThat(error.getMessage()).contains("timed out");
            assertThat(seconds).isLessThan(15);
            // threads of the failed attempts end shortly after; poll for that instead of sleeping a guess
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Thread.activeCount() > before + 3 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(before + 3);
        }
    }

    private ServerUnreachableException attempt(UUID id) {
        try {
            commands.run(viewer, id, Argv.of("true"));
            throw new AssertionError("reached an unreachable server");
        } catch (ServerUnreachableException e) {
            return e;
        }
    }

}
