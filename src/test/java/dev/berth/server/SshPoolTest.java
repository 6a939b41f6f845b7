package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.Viewer;
import dev.berth.execution.Argv;
import dev.berth.execution.ServerUnreachableException;
import dev.berth.execution.SshjRemoteShellProbe;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SSH pool under long and concurrent work, against the real sshd: a command longer than the idle-eviction
 * period survives, the command timeout ends a command for real, concurrent first uses open one connection, and
 * a server's changed settings are never served by its old connection.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class SshPoolTest extends BerthTestBase {
    @Inject
    ServerCommands commands;

    @Inject
    SshjRemoteShellProbe pool;

    private TestSshd sshd;
    private Viewer viewer;
    private String keyId;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.ssh.connect-timeout", "2s", "berth.ssh.idle-eviction", "1s", "berth.ssh.command-timeout", "4s");
    }

    @BeforeAll
    void aKeyAuthorizedOnTheRealSshd() {
        sshd = TestSshd.get();
        keyId = ManagedServers.authorizedKey(http(), sshd, "pool");
        viewer = ManagedServers.ownerViewer(user());
    }

    @Test
    void aCommandLongerThanTheIdleEvictionPeriodIsNotEvicted() {
        var server = ManagedServers.server(http(), sshd, keyId, sshd.port(), "/var/run/docker.sock");
        var result = commands.run(viewer, server, Argv.of("sh", "-c", "sleep 3; echo finished"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("finished");
    }

    @Test
    void theCommandTimeoutEndsTheCommand() {
        var server = ManagedServers.server(http(), sshd, keyId, sshd.port(), "/var/run/docker.sock");
        long started = System.nanoTime();
        assertThatThrownBy(() -> commands.run(viewer, server, Argv.of("sleep", "30")))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("did not finish");
        // 4 s timeout: well before the 30 s command would end by itself (generous for a loaded machine)
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(commands.run(viewer, server, Argv.of("echo", "still-usable")).stdout()).contains("still-usable");
    }

    @Test
    void concurrentFirstUsesOpenOneConnection() throws Exception {
        var server = ManagedServers.server(http(), sshd, keyId, sshd.port(), "/var/run/docker.sock");
        commands.run(viewer, server, Argv.of("true")); // pins the host key first, as validation does
        pool.forget(server);
        long before = pool.connectionsOpened();
        var tasks = new ArrayList<Callable<String>>();
        for (int i = 0; i < 8; i++) tasks.add(() -> commands.run(viewer, server, Argv.of("echo", "ok")).stdout());
        try (var executor = Executors.newFixedThreadPool(8)) {
            for (var future : executor.invokeAll(tasks)) assertThat(future.get()).contains("ok");
        }
        assertThat(pool.connectionsOpened() - before).isEqualTo(1);
    }

    @Test
    void anUpdatedServerIsNeverServedByItsOldConnection() {
        var server = ManagedServers.server(http(), sshd, keyId, sshd.port(), "/var/run/docker.sock");
        assertThat(commands.run(viewer, server, Argv.of("echo", "before")).stdout()).contains("before");
        http().data("mutation($id: ID!) { updateServer(input: {id: $id, user: \"nobody-here\"}) { server { user } } }",
                Map.of("id", server.toString()));
        assertThatThrownBy(() -> commands.run(viewer, server, Argv.of("echo", "after")))
                .isInstanceOf(ServerUnreachableException.class);
        http().data("mutation($id: ID!) { deleteServer(input: {id: $id}) { deletedServerId } }", Map.of("id", server.toString()));
        assertThat(pool.isPooled(server)).isFalse();
    }
}
