package dev.berth.runtime.embedded;

import dev.berth.runtime.BerthProperties;
import dev.berth.runtime.DataDir;
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
import redis.embedded.core.ExecutableProvider;

/**
 * Starts PostgreSQL (zonky binaries) and Redis (embedded-redis binaries) on loopback, with data under
 * {@code BERTH_DATA_DIR}, the first time each is asked for, and stops them when the context closes.
 * Neither is open to other local processes: each has a generated password, kept in the data dir (mode 0600,
 * {@code postgres-password} and {@code redis-password}), PostgreSQL requires it (scram-sha-256 in pg_hba.conf),
 * and both listen on loopback only. Redis gets its password through a 0600 config file, never argv.
 */
@Singleton
@Requires(classes = {EmbeddedPostgres.class, ExecutableProvider.class})
final class LocalEmbeddedServers implements EmbeddedServers {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEmbeddedServers.class);

    private final Path dataDir;
    private EmbeddedPostgres postgres;
    private EmbeddedRedis redis;
    private String redisUrl;

    LocalEmbeddedServers(BerthProperties properties) {
        this.dataDir = properties.dataDir().toAbsolutePath();
        DataDir.ownerOnly(dataDir);
    }

    private String postgresPassword;

    @Override
    public synchronized JdbcTarget postgres() {
        if (postgres == null) {
            try {
                var pgData = DataDir.ownerOnly(dataDir.resolve("postgres"));
                var marker = dataDir.resolve(dev.berth.secrets.SecretBox.INSTANCE_MARKER);
                if (Files.exists(marker) && !Files.exists(pgData.resolve("PG_VERSION"))) {
                    throw new IllegalStateException(dataDir + " belonged to a Berth instance whose database is gone (" + pgData
                            + "): restore it from your backup. For a new instance, use an empty BERTH_DATA_DIR.");
                }
                var passwordFile = dataDir.resolve("postgres-password");
                boolean locked = Files.exists(pgData.resolve("PG_VERSION")) && !PostgresLockdown.trusts(pgData);
                if (locked && !Files.exists(passwordFile)) {
                    throw new IllegalStateException("The embedded database in " + pgData + " requires a password, but "
                            + passwordFile + " is missing: restore it from your backup of the data directory.");
                }
                DataDir.tighten(dataDir.resolve("pg-binaries")); // binaries an earlier version left world-writable, before any runs
                postgresPassword = DataDirSecrets.readOrCreate(passwordFile);
                if (!locked) {
                    // a new data dir (or one from before passwords): set the password while trusted, then require it
                    try (var trusted = builder(pgData).start()) {
                        PostgresLockdown.setPassword(trusted.getPostgresDatabase(), postgresPassword);
                    }
                    PostgresLockdown.requirePasswords(pgData);
                }
                postgres = builder(pgData).setConnectConfig("password", postgresPassword).start();
                DataDir.tighten(dataDir.resolve("pg-binaries")); // unpacked world-writable by the library
                if (!Files.exists(marker)) Files.writeString(marker, "This data directory holds a Berth instance's database; keep master-key with it.\n");
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
            LOG.info("embedded=postgres port={} dataDir={}", postgres.getPort(), dataDir.resolve("postgres"));
        }
        return new JdbcTarget(postgres.getJdbcUrl("postgres", "postgres"), "postgres", postgresPassword);
    }

    private EmbeddedPostgres.Builder builder(Path pgData) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "localhost")
                .setOverrideWorkingDirectory(DataDir.ownerOnly(dataDir.resolve("pg-binaries")).toFile())
                .setPGStartupWait(Duration.ofSeconds(60));
    }

    @Override
    public synchronized String redisUrl() {
        if (redis == null) {
            try {
                var password = DataDirSecrets.readOrCreate(dataDir.resolve("redis-password"));
                int port = freePort();
                redis = EmbeddedRedis.start(dataDir, password, port);
                redisUrl = "redis://:" + password + "@127.0.0.1:" + port;
            } catch (IOException e) {
                throw new UncheckedIOException("embedded Redis did not start", e);
            }
            LOG.info("embedded=redis bind=127.0.0.1 dataDir={}", dataDir.resolve("redis"));
        }
        return redisUrl;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** True once a Lettuce client was made for the embedded Redis and not shut down yet: Redis stops after it. */
    private boolean redisInUse;

    /** The Lettuce client is shut down (every connection of it closed): Redis may stop now, and does if the context stopped. */
    synchronized void redisReleased() {
        redisInUse = false;
        if (stopped && redis != null) {
            redis.close();
            redis = null;
        }
    }

    /** The client of Redis is about to be made. */
    synchronized void redisInUse() {
        redisInUse = true;
    }

    private boolean stopped;

    /**
     * Stops the servers. Redis waits for its client's shutdown when that has not happened yet: the order in which the
     * context destroys its beans does not see that the client needs Redis (it is an optional dependency), and a client
     * still connected when Redis stops would try to reconnect to it.
     */
    @PreDestroy
    synchronized void stop() throws IOException {
        stopped = true;
        if (redis != null && !redisInUse) {
            redis.close();
            redis = null;
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
