package dev.berth.runtime.embedded;

import dev.berth.runtime.DataDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * The embedded default's Redis: the redis-server binary of the embedded-redis artifact, run by Berth itself rather
 * than by the library, so that Berth alone decides when it stops. The library registers a JVM shutdown hook that
 * stops Redis beside Micronaut's shutdown, under live subscriptions; and a terminal's Ctrl-C reaches every process
 * of its group, Redis included. Here Redis runs in a session of its own ({@code setsid}, where the system has it),
 * has no hook, and is stopped by {@link #close()}, which the context calls after everything that uses Redis closed.
 * Its settings, password included, are in a 0600 file of the data dir, never argv.
 */
final class EmbeddedRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Process process;

    private EmbeddedRedis(Process process) {
        this.process = process;
    }

    static EmbeddedRedis start(Path dataDir, String password, int port) throws IOException {
        var dir = DataDir.ownerOnly(dataDir.resolve("redis"));
        var binary = ExecutableProvider.newJarResourceProvider(DataDir.ownerOnly(dataDir.resolve("redis-binaries")).toFile()).get();
        var config = dir.resolve("redis.conf");
        Files.deleteIfExists(config);
        Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(config, String.join("\n",
                "port " + port, "bind 127.0.0.1", "protected-mode yes", "requirepass " + password, "dir " + dir,
                "save \"\"", "appendonly no", "") );
        var command = new ArrayList<String>();
        if (Files.isExecutable(SETSID)) command.add(SETSID.toString());
        command.add(binary.getAbsolutePath());
        command.add(config.toString());
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var ready = new CompletableFuture<Boolean>();
        Thread.ofPlatform().daemon().name("berth-redis-output").start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.contains("Ready to accept connections")) ready.complete(true);
                    LOG.debug("redis: {}", line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
            ready.complete(false);
        });
        var redis = new EmbeddedRedis(process);
        try {
            if (!ready.get(READY_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("embedded Redis exited during start-up (exit " + process.waitFor() + ")");
            }
        } catch (Exception e) {
            redis.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw e instanceof IOException io ? io : new IOException("embedded Redis did not start within " + READY_WITHIN, e);
        }
        return redis;
    }

    /** SIGTERM (Redis shuts down at once, no save), then a kill if it is still there after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
