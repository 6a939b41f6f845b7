package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.berth.api.Viewer;
import dev.berth.execution.DockerEngines;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-java against a real dockerd: locally through its socket, and remotely through the SSH stream-local
 * bridge to the same daemon via a real sshd: run a busybox container, follow its logs, stop and remove it.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class DockerOverSshTest extends BerthTestBase {
    @Inject
    ServerCommands commands;

    @Inject
    DockerEngines engines;

    private TestDocker docker;
    private Viewer viewer;
    private UUID serverId;

    @BeforeAll
    void aServerWhoseDockerIsTheTestDaemon() {
        docker = TestDocker.get();
        var sshd = TestSshd.get();
        serverId = ManagedServers.server(http(), sshd, ManagedServers.authorizedKey(http(), sshd, "docker"), sshd.port(), docker.socket());
        viewer = ManagedServers.ownerViewer(user());
    }

    @Test
    void theLocalSocketAndTheSshBridgeReachTheSameDaemon() {
        var local = engines.local(docker.socket()).infoCmd().exec().getId();
        var remote = commands.docker(viewer, serverId);
        remote.pingCmd().exec();
        assertThat(remote.infoCmd().exec().getId()).isEqualTo(local);
        assertThat(remote.versionCmd().exec().getApiVersion()).isNotBlank();
        var pinned = http().data("query($id: ID!) { server(id: $id) { hostKeyFingerprint } }", Map.of("id", serverId.toString()))
                .path("server").path("hostKeyFingerprint").asText();
        assertThat(pinned).startsWith("SHA256:");
    }

    @Test
    void aContainerRunsLogsStopsAndIsRemovedOverSsh() throws Exception {
        var client = commands.docker(viewer, serverId);
        var label = "berth-test-" + UUID.randomUUID();
        var created = client.createContainerCmd(TestDocker.IMAGE)
                .withCmd("/bin/sh", "-c", "for i in 1 2 3; do echo line-$i; done; sleep 60")
                .withLabels(Map.of("berth.test", label))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host"))
                .exec();
        client.startContainerCmd(created.getId()).exec();

        var lines = new CopyOnWriteArrayList<String>();
        var three = new CountDownLatch(3);
        try (var follow = client.logContainerCmd(created.getId()).withStdOut(true).withFollowStream(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        for (var line : new String(frame.getPayload()).split("\n")) {
                            if (!line.isBlank()) {
                                lines.add(line.strip());
                                three.countDown();
                            }
                        }
                    }
                })) {
            assertThat(three.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lines).containsSubsequence("line-1", "line-2", "line-3");

        var found = client.listContainersCmd().withLabelFilter(Map.of("berth.test", label)).exec();
        assertThat(found).extracting(c -> c.getId()).containsExactly(created.getId());
        client.stopContainerCmd(created.getId()).withTimeout(1).exec();
        client.removeContainerCmd(created.getId()).exec();
        assertThat(client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("berth.test", label)).exec()).isEmpty();
    }

    @Test
    void whereSshdRefusesStreamLocalForwardingDockerIsReachedThroughDialStdio() {
        var hardened = TestSshd.withoutStreamLocal();
        var id = ManagedServers.server(http(), hardened, ManagedServers.authorizedKey(http(), hardened, "hardened"), hardened.port(), docker.socket());
        var client = commands.docker(viewer, id);
        client.pingCmd().exec();
        var local = engines.local(docker.socket()).infoCmd().exec().getId();
        assertThat(client.infoCmd().exec().getId()).isEqualTo(local);
        var c = client.createContainerCmd(TestDocker.IMAGE).withCmd("/bin/echo", "through-dial-stdio")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")).exec();
        client.startContainerCmd(c.getId()).exec();
        assertThat(client.waitContainerCmd(c.getId()).start().awaitStatusCode(30, TimeUnit.SECONDS)).isZero();
        client.removeContainerCmd(c.getId()).exec();
    }

    @Test
    void tenConcurrentLogStreamsShareOneSshConnection() throws Exception {
        var client = commands.docker(viewer, serverId);
        var ids = new java.util.ArrayList<String>();
        for (int i = 0; i < 10; i++) {
            var c = client.createContainerCmd(TestDocker.IMAGE).withCmd("/bin/sh", "-c", "seq 1 200; sleep 60")
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")).exec();
            client.startContainerCmd(c.getId()).exec();
            ids.add(c.getId());
        }
        var done = new CountDownLatch(10);
        var callbacks = new java.util.ArrayList<java.io.Closeable>();
        for (var id : ids) {
            var seen = new java.util.concurrent.atomic.AtomicInteger();
            callbacks.add(client.logContainerCmd(id).withStdOut(true).withFollowStream(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    if (new String(frame.getPayload()).contains("200") && seen.getAndIncrement() == 0) done.countDown();
                }
            }));
        }
        try {
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            for (var c : callbacks) c.close();
            for (var id : ids) client.removeContainerCmd(id).withForce(true).exec();
        }
    }
}
