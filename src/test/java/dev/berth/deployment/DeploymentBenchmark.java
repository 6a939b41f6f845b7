package dev.berth.deployment;

import com.github.dockerjava.api.model.HostConfig;
import dev.berth.testing.TestDocker;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * D1: {@code deployApplication} → SUCCEEDED for an image already on the server, against a bare "docker run" of the
 * same image (create + start + running, through the same SSH bridge), interleaved round by round, with the
 * machine's foreign CPU load recorded. Prints figures and writes target/benchmarks/deployment.txt; asserts nothing
 * about time. Run: {@code ./mvnw test -Dgroups=benchmark -Dexcluded.groups=none -Dtest=DeploymentBenchmark}
 */
@Tag("benchmark")
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class DeploymentBenchmark extends DeploymentTestBase {
    private static final int ROUNDS = 7;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.deployments.network", "host", "berth.deployments.settle", "0s");
    }

    private static long[] cpu() throws Exception {
        var fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < fields.length; i++) total += Long.parseLong(fields[i]);
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        var self = Files.readString(Path.of("/proc/self/stat"));
        var after = self.substring(self.lastIndexOf(')') + 2).split(" ");
        long mine = Long.parseLong(after[11]) + Long.parseLong(after[12]);
        return new long[] {total, idle, mine};
    }

    @Test
    void deployingAnImageAgainstABareDockerRun() throws Exception {
        var dir = Files.createTempDirectory("sleeper");
        // a service that stops when asked (SIGTERM), as a real one does: retiring the previous version costs no 10 s timeout
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + TestDocker.IMAGE
                + "\nCMD [\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n");
        var image = "berth-test/polite:1";
        docker().buildImageCmd(dir.toFile()).withTags(Set.of(image)).start().awaitImageId();
        var app = create(application("bench", Map.of("image", Map.of("image", image))));
        follow(deploy(app), 0); // warm-up: SSH connection, bridge, JIT

        var berth = new ArrayList<Double>();
        var bare = new ArrayList<Double>();
        long[] before = cpu();
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            var name = "bare-" + UUID.randomUUID().toString().substring(0, 8);
            var id = docker().createContainerCmd(image).withName(name)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")).exec().getId();
            docker().startContainerCmd(id).exec();
            while (!Boolean.TRUE.equals(docker().inspectContainerCmd(id).exec().getState().getRunning())) Thread.sleep(5);
            bare.add((System.nanoTime() - start) / 1e6);
            docker().removeContainerCmd(id).withForce(true).exec();

            // a new application each round: its first deployment replaces nothing, like a bare run
            var fresh = create(application("bench", Map.of("image", Map.of("image", image))));
            // what a client sees: deploymentUpdated reporting SUCCEEDED for the deployment it queued
            try (var ws = dev.berth.testing.WsClient.connectAndInit(server.getURI(), user().accessToken())) {
                ws.send(Map.of("id", "u", "type", "subscribe", "payload", Map.of(
                        "query", "subscription($a: ID!) { deploymentUpdated(applicationId: $a) { id status } }", "variables", Map.of("a", fresh))));
                dev.berth.testing.RedisChannels.awaitSubscribed(user().teamId(), "deployments:" + fresh);
                start = System.nanoTime();
                var deployment = deploy(fresh);
                while (true) {
                    var update = ws.next(java.time.Duration.ofSeconds(60)).path("payload").path("data").path("deploymentUpdated");
                    if (update.path("id").asText().equals(deployment) && update.path("status").asText().matches("SUCCEEDED|FAILED|CANCELLED")) break;
                }
                berth.add((System.nanoTime() - start) / 1e6);
            }
        }
        long[] after = cpu();

        long ticks = after[0] - before[0];
        double busy = 100.0 * (ticks - (after[1] - before[1])) / ticks;
        double mine = 100.0 * (after[2] - before[2]) / ticks;
        var text = "D1 first deployment of an application (image present, no health check, settle 0 s) vs bare create+start+running, "
                + ROUNDS + " interleaved rounds\n"
                + "  berth ms: " + berth + "\n  bare ms:  " + bare + "\n"
                + String.format("  median berth %.0f ms, bare %.0f ms, ratio %.2f (target <= 1.2)%n", median(berth), median(bare), median(berth) / median(bare))
                + String.format("  machine busy %.0f%% of 2 cores' time, of which this JVM (Berth and the test) %.0f%%; foreign %.0f%%%n",
                busy, mine, Math.max(0, busy - mine));
        System.out.println(text);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/deployment.txt"), text);
    }

    private static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
