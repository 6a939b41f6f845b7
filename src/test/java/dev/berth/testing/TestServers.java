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

    /**
     * A PostgreSQL and a Redis of their own (the same settings otherwise), for a class whose nodes' job engines must
     * never see, nor take, another class's work.
     */
    public static Map<String, String> isolated() {
        return start();
    }

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
            var properties = new java.util.LinkedHashMap<String, String>();
            properties.put("berth.database.url", postgres.getJdbcUrl("postgres", "postgres"));
            properties.put("berth.database.username", "postgres");
            properties.put("berth.database.password", "");
            properties.put("berth.redis.url", "redis://127.0.0.1:" + redisPort);
            properties.put("berth.jwt.secret", JWT_SECRET);
            properties.put("berth.master-key", MASTER_KEY);
            // no background probing of the tests' servers unless a test asks for it
            properties.put("berth.servers.probe.enabled", "false");
            // nor of their containers' events: every context would watch every server the shared database holds
            // (ContainerStatusEndToEndTest turns it on)
            properties.put("berth.deployments.watch-containers", "false");
            // every test shares 127.0.0.1: generous budgets keep them independent
            properties.put("berth.rate-limit.anonymous-cost-per-minute", "1000000");
            properties.put("berth.rate-limit.refused-credentials-per-minute", "1000000");
            // hundreds of sign-ups: a cheap Argon2 cost, allowed only in the test environment (production keeps OWASP's)
            properties.put("berth.identity.password-memory-kib", "1024");
            properties.put("berth.identity.password-iterations", "1");
            properties.put("micronaut.server.port", "-1");
            return Map.copyOf(properties);
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
