package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Another Berth node in a JVM of its own (the test classpath, the shared PostgreSQL and Redis), so a test can kill
 * it with SIGKILL as a crashed or OOM-killed node dies: no shutdown hook, no goodbye.
 */
public final class BerthProcess implements AutoCloseable {
    private static final Pattern NODE = Pattern.compile("event=jobs-started node=(berth-[0-9a-f]+)");

    private final Process process;
    private final Path log;
    private final int port;

    private BerthProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a node with the shared test settings plus {@code overrides}, and waits until it answers. */
    public static BerthProcess start(Map<String, String> overrides) {
        var node = launch(overrides);
        node.awaitHealthy();
        return node;
    }

    /** Two nodes started side by side (their start-ups overlap), both healthy. */
    public static BerthProcess[] startTwo(Map<String, String> overrides) {
        var first = launch(overrides);
        var second = launch(overrides);
        try {
            first.awaitHealthy();
            second.awaitHealthy();
            return new BerthProcess[] {first, second};
        } catch (RuntimeException | Error e) {
            first.close();
            second.close();
            throw e;
        }
    }

    /**
     * A node on the embedded default: its own PostgreSQL and Redis under {@code berth.data-dir} (give it in
     * {@code settings}), none of the shared test servers.
     */
    public static BerthProcess startEmbedded(Map<String, String> settings) {
        var node = launch(settings, false);
        node.awaitHealthy();
        return node;
    }

    private static BerthProcess launch(Map<String, String> overrides) {
        return launch(overrides, true);
    }

    private static BerthProcess launch(Map<String, String> overrides, boolean sharedServers) {
        try {
            int port;
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            var command = new ArrayList<String>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx384m");
            // the client compiler only: a node lives for seconds, and two starting side by side on two cores are ready
            // in about 6 s instead of 10 (C2 compiles what a short run never repays)
            command.add("-XX:TieredStopAtLevel=1");
            var properties = new java.util.LinkedHashMap<String, String>(sharedServers ? TestServers.properties() : Map.of());
            properties.putAll(overrides);
            properties.put("micronaut.server.port", String.valueOf(port));
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), "dev.berth.Application"));
            var log = Files.createTempFile("berth-node-", ".log");
            var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new BerthProcess(process, log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The node's name in the job engine ({@code scheduled_tasks.picked_by}). */
    public String jobNode() {
        // the engine starts beside the server: its line may follow /health UP by a moment
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (true) {
            var matcher = NODE.matcher(output());
            if (matcher.find()) return matcher.group(1);
            if (System.nanoTime() > deadline) throw new IllegalStateException("the node has not started its job engine: " + output());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private void awaitHealthy() {
        try (var client = HttpClient.newHttpClient()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) throw new IllegalStateException("the node exited: " + output());
                try {
                    var status = client.send(HttpRequest.newBuilder(uri().resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) return;
                } catch (IOException notYet) {
                    // still starting
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the node did not become healthy: " + output());
    }

    /** SIGTERM, as a service manager stops a node, and waits (up to 60 s) for it to exit; its output stays readable. */
    public void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("the node did not stop: " + output());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
