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
    /** Stops Redis if the JVM exits without closing Berth (a failed start-up's exit): never left running. */
    private final Thread fallback;
    private final Runnable lastResort;

    private EmbeddedRedis(Process process) {
        this.process = process;
        this.fallback = new Thread(process::destroy, "berth-redis-fallback");
        this.lastResort = process::destroyForcibly;
        Runtime.getRuntime().addShutdownHook(fallback);
        dev.berth.runtime.LastResort.add(lastResort);
    }

    static EmbeddedRedis start(Path dataDir, String password, int port) throws IOException {
        var dir = DataDir.ownerOnly(dataDir.resolve("redis"));
        var binary = ExecutableProvider.newJarResourceProvider(DataDir.ownerOnly(dataDir.resolve("redis-binaries")).toFile()).get();
        var pidFile = dir.resolve("redis.pid");
        stopLeftover(pidFile);
        var config = dir.resolve("redis.conf");
        Files.deleteIfExists(config);
        Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(config, String.join("\n",
                "port " + port, "bind 127.0.0.1", "protected-mode yes", "requirepass " + password, "dir \"" + dir + "\"",
                "save \"\"", "appendonly no", "pidfile \"" + pidFile + "\"", ""));
        var command = new ArrayList<String>();
        if (Files.isExecutable(SETSID)) command.add(SETSID.toString());
        command.add(binary.getAbsolutePath());
        command.add(config.toString());
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var ready = new CompletableFuture<Boolean>();
        var last = new java.util.ArrayDeque<String>(); // what Redis said last, for a failed start's message
        Thread.ofPlatform().daemon().name("berth-redis-output").start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.contains("Ready to accept connections")) ready.complete(true);
                    if (!ready.isDone()) {
                        synchronized (last) {
                            if (last.size() == 20) last.removeFirst();
                            last.addLast(line.length() > 500 ? line.substring(0, 500) : line);
                        }
                    }
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
                int exit = process.waitFor();
                synchronized (last) {
                    throw new IOException("embedded Redis exited during start-up (exit " + exit + "): " + String.join(" | ", last));
                }
            }
        } catch (Exception e) {
            redis.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw e instanceof IOException io ? io : new IOException("embedded Redis did not start within " + READY_WITHIN, e);
        }
        return redis;
    }

    /**
     * A Redis an earlier Berth left running (it was killed with SIGKILL, so nothing stopped Redis, which runs in a
     * session of its own): found by the pid file it wrote, and stopped if that process is still a redis-server.
     */
    private static void stopLeftover(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) return;
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false)).ifPresent(leftover -> {
                LOG.warn("embedded=redis event=stopping-leftover pid={}", pid);
                leftover.destroy();
                try {
                    leftover.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    leftover.destroyForcibly();
                }
            });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException unreadable) {
            // nothing to stop
        }
    }

    /** SIGTERM (Redis shuts down at once, no save), then a kill if it is still there after 10 s. */
    @Override
    public void close() {
        dev.berth.runtime.LastResort.remove(lastResort);
        try {
            Runtime.getRuntime().removeShutdownHook(fallback);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway, after this
        }
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
