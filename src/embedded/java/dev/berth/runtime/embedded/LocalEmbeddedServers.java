package dev.berth.runtime.embedded;

import dev.berth.runtime.BerthProperties;
import dev.berth.runtime.EmbeddedServers;
import io.micronaut.context.annotation.Requires;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * Starts PostgreSQL (zonky binaries) and Redis (embedded-redis binaries) on loopback, with data under
 * {@code BERTH_DATA_DIR}, the first time each is asked for, and stops them when the context closes.
 */
@Singleton
@Requires(classes = {EmbeddedPostgres.class, RedisServer.class})
final class LocalEmbeddedServers implements EmbeddedServers {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEmbeddedServers.class);

    private final Path dataDir;
    private EmbeddedPostgres postgres;
    private RedisServer redis;
    private String redisUrl;

    LocalEmbeddedServers(BerthProperties properties) {
        this.dataDir = properties.dataDir().toAbsolutePath();
    }

    @Override
    public synchronized JdbcTarget postgres() {
        if (postgres == null) {
            try {
                var pgData = Files.createDirectories(dataDir.resolve("postgres"));
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(pgData)
                        .setCleanDataDirectory(false)
                        .setOverrideWorkingDirectory(Files.createDirectories(dataDir.resolve("pg-binaries")).toFile())
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
            LOG.info("embedded=postgres port={} dataDir={}", postgres.getPort(), dataDir.resolve("postgres"));
        }
        return new JdbcTarget(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
    }

    @Override
    public synchronized String redisUrl() {
        if (redis == null) {
            try {
                var dir = Files.createDirectories(dataDir.resolve("redis"));
                int port = freePort();
                redis = RedisServer.newRedisServer()
                        .port(port)
                        .setting("bind 127.0.0.1")
                        .setting("dir " + dir)
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .build();
                redis.start();
                redisUrl = "redis://127.0.0.1:" + port;
            } catch (IOException e) {
                throw new UncheckedIOException("embedded Redis did not start", e);
            }
            LOG.info("embedded=redis url={}", redisUrl);
        }
        return redisUrl;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @PreDestroy
    synchronized void stop() throws IOException {
        if (redis != null) {
            redis.stop();
            redis = null;
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
