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
import java.util.LinkedHashMap;
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
class ProxyBenchmark extends DeploymentTestBase {
    private static final String HOST = "bench.test";
    private static Path hostDir;
    private static int httpPort;
    private static int httpsPort;

    @Override
    protected Map<String, String> overrides() {
        try {
            if (hostDir == null) {
                hostDir = Files.createTempDirectory("berth-proxy-");
                httpPort = freePort();
                httpsPort = freePort();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        var pebble = TestPebble.get();
        var settings = new LinkedHashMap<>(super.overrides());
        settings.put("berth.proxy.host-dir", hostDir.toString());
        settings.put("berth.proxy.drain", "2s");
        settings.put("berth.proxy.ports-from", "31200");
        settings.put("berth.proxy.ports-to", "31299");
        settings.put("berth.proxy.acme-directory", pebble.directory());
        settings.put("berth.proxy.acme-trusted-roots-file", pebble.directoryRoots().toString());
        return settings;
    }

    private static void bench(String line) {
        System.out.println("BENCH " + line);
    }

    private String deployAndWait(String application) throws InterruptedException {
        var id = deploy(application);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            var status = deployment(id).path("status").asText();
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status)) return status;
            Thread.sleep(200);
        }
        throw new AssertionError("deployment " + id + " did not end");
    }

    private static String loadAverage() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }

    @Test
    void proxy() throws Exception {
        TestDocker.get().caddy();
        int rate = Integer.getInteger("berth.bench.rate", 200);
        int rounds = Integer.getInteger("berth.bench.rounds", 2);
        long steadyMillis = Duration.ofSeconds(Integer.getInteger("berth.bench.seconds", 15)).toMillis();
        http().data("mutation($i: InstallProxyInput!) { installProxy(input: $i) { server { id } } }",
                Map.of("i", Map.of("serverId", serverId, "image", TestDocker.CADDY, "httpPort", httpPort, "httpsPort", httpsPort)));
        var input = application("bench", Map.of("image", Map.of("image", TestDocker.IMAGE)));
        input.put("command", List.of("/bin/sh", "-c",
                "/bin/busybox mkdir -p /tmp/www && /bin/busybox echo \"$VERSION\" > /tmp/www/index.html && exec /bin/busybox httpd -f -p 127.0.0.1:$PORT -h /tmp/www"));
        input.put("healthCheck", Map.of("path", "/index.html", "port", freePort(), "intervalSeconds", 1, "retries", 2, "startPeriodSeconds", 0));
        var app = create(input);
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
            String status;
            try {
                status = deployAndWait(app);
                Thread.sleep(3000); // past the drain and the old container's retirement
            } finally {
                redeploy.stop();
            }
            assertThat(status).isEqualTo("SUCCEEDED");
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
