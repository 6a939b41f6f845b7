package dev.berth.deployment;

import dev.berth.testing.TestDocker;
import dev.berth.testing.TestPebble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the proxy's end-to-end test and benchmark share: Berth configured for a test Caddy (its socket directory, its
 * own ports, a range of $PORTs) and Pebble as the ACME CA; a web application answering its $VERSION on $PORT.
 */
abstract class ProxyTestBase extends DeploymentTestBase {
    /** This class's proxy: its socket directory on the (test) server, its ports. */
    Path hostDir;
    int httpPort;
    int httpsPort;

    /** The first of the 100 $PORTs this class's deployments get. */
    abstract int portsFrom();

    /** Settings beyond the shared ones. */
    Map<String, String> proxySettings() {
        return Map.of();
    }

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
        settings.put("berth.proxy.ports-from", Integer.toString(portsFrom()));
        settings.put("berth.proxy.ports-to", Integer.toString(portsFrom() + 99));
        settings.put("berth.proxy.acme-directory", pebble.directory());
        settings.put("berth.proxy.acme-email", "ops@berth.test");
        settings.put("berth.proxy.acme-trusted-roots-file", pebble.directoryRoots().toString());
        settings.putAll(proxySettings());
        return settings;
    }

    @BeforeAll
    void caddyImage() {
        TestDocker.get().caddy();
    }

    static int checkPort() {
        try {
            return freePort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A web application answering its $VERSION on $PORT (busybox httpd), health-checked on $PORT at {@code healthPath}. */
    String webApp(String prefix, String healthPath) {
        var input = application(prefix, Map.of("image", Map.of("image", TestDocker.IMAGE)));
        input.put("command", List.of("/bin/sh", "-c",
                "/bin/busybox mkdir -p /tmp/www && /bin/busybox echo \"$VERSION\" > /tmp/www/index.html && exec /bin/busybox httpd -f -p 127.0.0.1:$PORT -h /tmp/www"));
        // the check goes to $PORT behind the proxy; the port named here is only held (each application its own)
        input.put("healthCheck", Map.of("path", healthPath, "port", checkPort(), "intervalSeconds", 1, "retries", 2, "startPeriodSeconds", 0));
        return create(input);
    }

    /** Deploys and waits (up to three minutes) until the deployment ended; its status. */
    String deployAndWait(String application) throws InterruptedException {
        return awaitEnd(deploy(application));
    }

    /** Waits (up to three minutes) until the deployment ended; its status. */
    String awaitEnd(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            var status = deployment(id).path("status").asText();
            if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status)) return status;
            Thread.sleep(200);
        }
        throw new AssertionError("deployment " + id + " did not end");
    }
}
