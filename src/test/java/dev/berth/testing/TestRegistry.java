package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Assumptions;

/**
 * A real private registry (Debian's docker-registry, distribution 2.x) on 127.0.0.1 with htpasswd authentication,
 * for the whole test JVM. With BERTH_REQUIRE_DOCKER=1 (CI) a missing binary fails the run instead of skipping.
 */
public final class TestRegistry {
    public static final String USER = "berth-ci";
    private static TestRegistry instance;

    private final Path dir;
    private final int port;
    private final String password;
    private final Process process;

    private TestRegistry(Path dir, int port, String password, Process process) {
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.process = process;
    }

    public static synchronized TestRegistry get() {
        if (instance != null) return instance;
        var binary = Path.of("/usr/bin/docker-registry");
        if (!Files.isExecutable(binary)) {
            if ("1".equals(System.getenv("BERTH_REQUIRE_DOCKER"))) throw new IllegalStateException("docker-registry is required (apt-get install docker-registry)");
            Assumptions.abort("no docker-registry here (set BERTH_REQUIRE_DOCKER=1 to make this a failure)");
        }
        try {
            var dir = Files.createTempDirectory("berth-registry-");
            int port;
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            var password = "pw-" + Long.toHexString(new SecureRandom().nextLong());
            var salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            Files.writeString(dir.resolve("htpasswd"), USER + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 10) + "\n");
            Files.writeString(dir.resolve("config.yml"), """
                    version: 0.1
                    log:
                      level: warn
                    storage:
                      filesystem:
                        rootdirectory: %s
                    http:
                      addr: 127.0.0.1:%d
                    auth:
                      htpasswd:
                        realm: berth-test
                        path: %s
                    """.formatted(dir.resolve("data"), port, dir.resolve("htpasswd")));
            var process = new ProcessBuilder(binary.toString(), "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            instance = new TestRegistry(dir, port, password, process);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
            instance.awaitListening();
            return instance;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:<port>}, as image references and registry credentials name it. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public String password() {
        return password;
    }

    private void awaitListening() throws IOException {
        for (int i = 0; i < 100; i++) {
            if (!process.isAlive()) throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8));
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("docker-registry did not listen on " + port);
    }

    private void stop() {
        process.destroy();
        TempDirs.delete(dir);
    }
}
