package dev.berth.bench;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.berth.execution.Argv;
import dev.berth.execution.DockerEngines;
import dev.berth.execution.RemoteShell;
import dev.berth.server.ServerCommands;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The execution layer on loopback, against the real sshd and dockerd: SSH connect+auth, Docker ping locally
 * and over the SSH bridge, and ten concurrent log streams over one SSH connection. Prints figures and writes
 * target/benchmarks/execution.txt; asserts nothing about time. Run:
 * {@code ./mvnw test -Dgroups=benchmark -Dexcluded.groups=none -Dtest=ExecutionBenchmark}
 */
@Tag("benchmark")
@MicronautTest(transactional = false)
class ExecutionBenchmark extends BerthTestBase {
    @Inject
    ServerCommands commands;

    @Inject
    RemoteShell shell;

    @Inject
    DockerEngines engines;

    @Test
    void executionLayer() throws Exception {
        var sshd = TestSshd.get();
        var docker = TestDocker.get();
        var serverId = ManagedServers.server(http(), sshd, ManagedServers.authorizedKey(http(), sshd, "bench"), sshd.port(), docker.socket());
        var viewer = ManagedServers.ownerViewer(user());
        commands.run(viewer, serverId, Argv.of("true")); // pins the host key

        var report = new ArrayList<String>();
        var connect = new long[30];
        for (int i = 0; i < connect.length; i++) {
            shell.forget(serverId);
            long t0 = System.nanoTime();
            commands.run(viewer, serverId, Argv.of("true"));
            connect[i] = System.nanoTime() - t0;
        }
        report.add(line("SSH connect + auth + first command (new connection)", connect));
        var pooled = new long[200];
        for (int i = 0; i < pooled.length; i++) {
            long t0 = System.nanoTime();
            commands.run(viewer, serverId, Argv.of("true"));
            pooled[i] = System.nanoTime() - t0;
        }
        report.add(line("command on the pooled SSH connection", pooled));

        var local = engines.local(docker.socket());
        var remote = commands.docker(viewer, serverId);
        report.add(line("docker ping, local socket", time(500, () -> local.pingCmd().exec())));
        report.add(line("docker ping, over SSH (stream-local bridge)", time(500, () -> remote.pingCmd().exec())));

        int lines = 20_000;
        var ids = new ArrayList<String>();
        for (int i = 0; i < 10; i++) {
            var c = remote.createContainerCmd(TestDocker.IMAGE).withCmd("/bin/sh", "-c", "seq 1 " + lines + "; sleep 120")
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")).exec();
            remote.startContainerCmd(c.getId()).exec();
            ids.add(c.getId());
        }
        Thread.sleep(2000); // let every container finish printing; the streams then replay and follow
        var bytes = new AtomicLong();
        var done = new CountDownLatch(ids.size());
        var callbacks = new ArrayList<java.io.Closeable>();
        long t0 = System.nanoTime();
        for (var id : ids) {
            var finished = new java.util.concurrent.atomic.AtomicBoolean();
            callbacks.add(remote.logContainerCmd(id).withStdOut(true).withFollowStream(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    bytes.addAndGet(frame.getPayload().length);
                    if (new String(frame.getPayload()).contains("\n" + lines + "\n") || new String(frame.getPayload()).endsWith(lines + "\n")) {
                        if (finished.compareAndSet(false, true)) done.countDown();
                    }
                }
            }));
        }
        boolean all = done.await(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (var c : callbacks) c.close();
        for (var id : ids) remote.removeContainerCmd(id).withForce(true).exec();
        report.add(String.format("10 concurrent log streams over one SSH connection: %s, %d lines each, %.1f MB in %.2f s = %.1f MB/s",
                all ? "all complete" : "INCOMPLETE", lines, bytes.get() / 1e6, seconds, bytes.get() / 1e6 / seconds));

        var text = String.join("\n", report);
        System.out.println(text);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/execution.txt"), text + "\n");
    }

    private static long[] time(int n, Runnable action) {
        for (int i = 0; i < 50; i++) action.run();
        var nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            action.run();
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static String line(String label, long[] nanos) {
        var sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("%-52s n=%d p50=%.2fms p99=%.2fms", label, sorted.length,
                sorted[sorted.length / 2] / 1e6, sorted[(int) Math.min(sorted.length - 1, Math.round(0.99 * (sorted.length - 1)))] / 1e6);
    }

}
