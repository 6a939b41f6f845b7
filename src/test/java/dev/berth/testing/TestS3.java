package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for the test JVM: s3proxy (copied to target/s3proxy by the build) on its filesystem
 * backend, on 127.0.0.1, in a process of its own. Objects are plain files under {@link #objects()}: a test can read or
 * damage what Berth stored.
 */
public final class TestS3 {
    public static final String ACCESS_KEY = "berth-test-access";
    public static final String SECRET_KEY = "berth-test-secret-" + java.util.UUID.randomUUID();
    public static final String BUCKET = "backups";
    private static TestS3 instance;

    private final Path dir;
    private final Process process;
    private final int port;

    private TestS3(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    public static synchronized TestS3 get() {
        if (instance != null) return instance;
        var jar = Path.of("target/s3proxy/s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException("s3proxy is missing: " + jar + " (the build copies it at generate-test-resources)");
        try {
            var dir = Files.createTempDirectory("berth-s3-");
            Files.createDirectories(dir.resolve("objects").resolve(BUCKET));
            int port;
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + dir.resolve("objects")) + "\n");
            var java = ProcessHandle.current().info().command().orElse("java");
            var process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties", dir.resolve("s3proxy.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
            instance = new TestS3(dir, process, port);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
            instance.awaitListening();
            return instance;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the bucket's objects are, one file per key. */
    public Path objects() {
        return dir.resolve("objects").resolve(BUCKET);
    }

    private void awaitListening() {
        for (int i = 0; i < 300; i++) {
            if (!process.isAlive()) throw new IllegalStateException("s3proxy exited: " + log());
            try (var ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IllegalStateException("s3proxy did not listen within 30 s: " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("s3proxy.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stop() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.delete(dir);
    }
}
