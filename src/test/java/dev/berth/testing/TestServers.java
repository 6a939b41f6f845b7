package dev.berth.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Map;
import redis.embedded.RedisServer;

/**
 * One real PostgreSQL and one real Redis for the whole test JVM, on loopback, shared by every application
 * context the tests start (as several Berth nodes share one PostgreSQL and one Dragonfly).
 */
public final class TestServers {
    /** The signing secret every test node shares (as every production node shares BERTH_JWT_SECRET). */
    public static final String JWT_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
    /** The master key every test node shares (as production nodes share BERTH_MASTER_KEY). */
    public static final String MASTER_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static Map<String, String> properties;

    private TestServers() {}

    /** Properties that point a Berth context at the shared servers, starting them on first use. */
    public static synchronized Map<String, String> properties() {
        if (properties == null) properties = start();
        return properties;
    }

    private static Map<String, String> start() {
        try {
            var dir = Files.createTempDirectory("berth-test-");
            var postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("postgres"))
                    .setOverrideWorkingDirectory(dir.resolve("pg-binaries").toFile())
                    .start();
            int redisPort = freePort();
            var redis = RedisServer.newRedisServer().port(redisPort).setting("bind 127.0.0.1").setting("save \"\"").build();
            redis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    redis.stop();
                    postgres.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            return Map.of(
                    "berth.database.url", postgres.getJdbcUrl("postgres", "postgres"),
                    "berth.database.username", "postgres",
                    "berth.database.password", "",
                    "berth.redis.url", "redis://127.0.0.1:" + redisPort,
                    "berth.jwt.secret", JWT_SECRET,
                    "berth.master-key", MASTER_KEY,
                    // no background probing of the tests' servers unless a test asks for it
                    "berth.servers.probe.enabled", "false",
                    // every test shares 127.0.0.1: a generous anonymous budget keeps them independent
                    "berth.rate-limit.anonymous-cost-per-minute", "1000000",
                    "micronaut.server.port", "-1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
