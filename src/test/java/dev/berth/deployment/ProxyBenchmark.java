package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.HttpsLoad;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestPebble;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/run.sh proxy}: the same paced load (-Dberth.bench.rate requests a second over 4 kept-alive
 * connections, 200 by default) straight to the application's container port (plain HTTP), through Caddy over HTTPS
 * while nothing changes, and through Caddy while the application is redeployed, in interleaved rounds
 * (-Dberth.bench.rounds, 2), on the test daemons (sshd, dockerd, Caddy, Pebble). Prints requests/s, p50, p99 and
 * failures per phase, the machine's load average before and after, and p99 during a redeploy over the steady p99.
 * Not a test: its name keeps it out of the test run.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class ProxyBenchmark extends ProxyTestBase {
    private static final String HOST = "bench.test";

    @Override
    int portsFrom() {
        return 31200;
    }

    @Override
    Map<String, String> proxySettings() {
        return Map.of("berth.proxy.drain", "2s");
    }

    private static void bench(String line) {
        System.out.println("BENCH " + line);
    }

    /** When the deployment's log says the proxy switched, in ms after {@code started} (the wall clock of its log line). */
    private long switchedAt(String deploymentId, long started) {
        var lines = follow(deploymentId, 0);
        for (var line : lines) {
            if (line.path("text").asText().contains("the proxy sends the domains' requests")) {
                var at = java.time.Instant.parse(line.path("at").asText());
                long startedWall = System.currentTimeMillis() - Duration.ofNanos(System.nanoTime() - started).toMillis();
                return at.toEpochMilli() - startedWall;
            }
        }
        return -1;
    }

    private static String loadAverage() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }

    @Test
    void proxy() throws Exception {
        int rate = Integer.getInteger("berth.bench.rate", 200);
        int rounds = Integer.getInteger("berth.bench.rounds", 2);
        long steadyMillis = Duration.ofSeconds(Integer.getInteger("berth.bench.seconds", 15)).toMillis();
        http().data("mutation($i: InstallProxyInput!) { installProxy(input: $i) { server { id } } }",
                Map.of("i", Map.of("serverId", serverId, "image", TestDocker.CADDY, "httpPort", httpPort, "httpsPort", httpsPort)));
        var app = webApp("bench", "/index.html");
        http().data("mutation($a: ID!) { addDomain(input: {applicationId: $a, host: \"bench.test\"}) { domain { id } } }", Map.of("a", app));
        setVariables(app, List.of(Map.of("key", "VERSION", "value", "v0")));
        assertThat(deployAndWait(app)).isEqualTo("SUCCEEDED");
        var trust = TestPebble.get().issuingRoots();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) { // the proxy installed and the certificate issued
            try (var connection = new HttpsLoad.Connection(HOST, httpsPort, trust, "/")) {
                if (connection.get().status() == 200) break;
            } catch (java.io.IOException notYet) {
                if (System.nanoTime() > deadline) throw notYet;
            }
            Thread.sleep(500);
        }
        bench("| round | phase | requests | requests/s | p50 ms | p99 ms | max ms | failed | stale connections reopened |");
        bench("|---|---|---|---|---|---|---|---|---|");
        var before = loadAverage();
        var ratios = new ArrayList<String>();
        int failed = 0;
        for (int round = 1; round <= rounds; round++) {
            int port = Integer.parseInt(runningContainerEnv(app, "PORT"));
            var direct = run(new HttpsLoad("127.0.0.1", port, null, 4, rate / 4), steadyMillis);
            var steady = run(new HttpsLoad(HOST, httpsPort, trust, 4, rate / 4), steadyMillis);
            setVariables(app, List.of(Map.of("key", "VERSION", "value", "v" + round)));
            var redeploy = new HttpsLoad(HOST, httpsPort, trust, 4, rate / 4).start();
            long redeployStarted = System.nanoTime();
            String status;
            String deploymentId;
            try {
                deploymentId = deploy(app);
                status = awaitEnd(deploymentId);
                Thread.sleep(3000); // past the drain and the old container's retirement
            } finally {
                redeploy.stop();
            }
            assertThat(status).isEqualTo("SUCCEEDED");
            bench("round " + round + ", slowest during the redeploy (ms into it: ms taken): " + redeploy.slowest(8) + "; the switch at "
                    + switchedAt(deploymentId, redeployStarted) + " ms");
            for (var phase : List.of(Map.entry("straight to the container (HTTP)", direct), Map.entry("through Caddy, steady (HTTPS)", steady),
                    Map.entry("through Caddy, during a redeploy (HTTPS)", redeploy))) {
                var load = phase.getValue();
                bench("| " + round + " | " + phase.getKey() + " | " + load.total() + " | " + String.format("%.0f", load.rate()) + " | "
                        + String.format("%.2f", load.percentile(50)) + " | " + String.format("%.2f", load.percentile(99)) + " | "
                        + String.format("%.2f", load.percentile(100)) + " | " + load.failures().size() + " | " + load.reconnects() + " |");
                failed += load.failures().size();
                if (!load.failures().isEmpty()) bench("failures (" + phase.getKey() + "): " + load.failures().stream().limit(5).toList());
            }
            ratios.add(String.format("round %d: p99 during the redeploy / steady p99 = %.2f; steady p99 through Caddy / straight = %.2f", round,
                    redeploy.percentile(99) / steady.percentile(99), steady.percentile(99) / direct.percentile(99)));
            assertThat(redeploy.answers()).containsKey("v" + round);
        }
        bench("");
        ratios.forEach(r -> bench("- " + r));
        bench("- failed requests in all phases: " + failed);
        bench("- load average before / after (1, 5, 15 min): " + before + " / " + loadAverage() + "; " + Runtime.getRuntime().availableProcessors() + " cores");
        bench("- paced load: " + rate + " requests/s over 4 kept-alive connections; steady phases " + steadyMillis / 1000 + " s; drain 2 s");
        assertThat(failed).isZero();
    }

    private static HttpsLoad run(HttpsLoad load, long millis) throws InterruptedException {
        load.start();
        Thread.sleep(millis);
        load.stop();
        return load;
    }
}
