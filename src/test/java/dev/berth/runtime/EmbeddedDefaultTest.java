package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.GraphQLHttp;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no database or Redis URL, Berth starts its own servers under BERTH_DATA_DIR and keeps data across restarts. */
class EmbeddedDefaultTest {

    /**
     * Other local processes get nothing: PostgreSQL refuses its superuser without the password, Redis answers
     * NOAUTH, and Berth itself listens on loopback only.
     */
    private static void assertLockedDown(EmbeddedServer berth, java.nio.file.Path dataDir) throws Exception {
        assertThat(berth.getHost()).isIn("127.0.0.1", "localhost");
        var pid = java.nio.file.Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
        var port = pid.get(3).strip();
        assertThatThrownBy(() -> java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres").close())
                .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("password");
        var redisUrl = java.net.URI.create(berth.getApplicationContext().getBean(EmbeddedServers.class).redisUrl());
        var open = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + redisUrl.getPort());
        try {
            // refused at the handshake or at the first command, depending on the protocol version Lettuce negotiates
            assertThatThrownBy(() -> {
                try (var connection = open.connect()) {
                    connection.sync().get("anything");
                }
            }).isInstanceOf(io.lettuce.core.RedisException.class);
        } finally {
            open.shutdown();
        }
        var withPassword = io.lettuce.core.RedisClient.create(redisUrl.toString());
        try (var connection = withPassword.connect()) {
            assertThat(connection.sync().ping()).as("the same server answers with the password").isEqualTo("PONG");
        } finally {
            withPassword.shutdown();
        }
    }

    /**
     * Nothing Berth keeps or runs can be changed by another local user: the data dir is 0700 and nothing in it (the
     * PostgreSQL binaries Berth runs included) is writable by group or others.
     */
    private static void assertOwnerOnly(java.nio.file.Path dataDir) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
        var open = new java.util.ArrayList<String>();
        try (var walk = Files.walk(dataDir)) {
            for (var path : (Iterable<java.nio.file.Path>) walk::iterator) {
                if (Files.isSymbolicLink(path)) continue;
                var permissions = Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                    open.add(dataDir.relativize(path) + " " + PosixFilePermissions.toString(permissions));
                }
            }
        }
        assertThat(open).as("writable by others").isEmpty();
        assertThat(dataDir.resolve("pg-binaries")).as("the walk saw the binaries").isDirectory();
    }

    @Test
    void dataSurvivesARestartOnTheEmbeddedDefault() throws Exception {
        var dataDir = Files.createTempDirectory("berth-embedded-");
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x")); // as a user might make it
        // no database, Redis or JWT secret configured: the embedded default provides all three
        Map<String, Object> config = Map.of("berth.data-dir", dataDir.toString(), "micronaut.server.port", -1);
        String id;
        String token;
        try (var first = ApplicationContext.run(EmbeddedServer.class, config)) {
            var user = dev.berth.testing.TestUsers.signUp(first.getURI());
            token = user.accessToken();
            id = user.http()
                    .data("mutation { createProject(input: {name: \"kept\"}) { project { id } } }", Map.of())
                    .path("createProject").path("project").path("id").asText();
            assertLockedDown(first, dataDir);
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
        assertThat(java.nio.file.Files.getPosixFilePermissions(dataDir.resolve("master-key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(java.nio.file.Files.getPosixFilePermissions(dataDir.resolve("jwt-secret")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        for (var file : java.util.List.of("postgres-password", "redis-password")) {
            assertThat(java.nio.file.Files.getPosixFilePermissions(dataDir.resolve(file))).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
        assertOwnerOnly(dataDir);
        try (var second = ApplicationContext.run(EmbeddedServer.class, config)) {
            assertLockedDown(second, dataDir);
            // the generated signing key was kept, so the token from before the restart still works
            var name = new GraphQLHttp(second.getURI()).as(token)
                    .data("query($id: ID!) { project(id: $id) { name } }", Map.of("id", id))
                    .path("project").path("name").asText();
            assertThat(name).isEqualTo("kept");
        }
    }

    @Test
    void aDataDirWithADatabaseButNoKeyOrAKeyButNoDatabaseIsRefused() throws Exception {
        var dataDir = Files.createTempDirectory("berth-embedded-");
        Map<String, Object> config = Map.of("berth.data-dir", dataDir.toString(), "micronaut.server.port", -1);
        try (var first = ApplicationContext.run(EmbeddedServer.class, config)) {
            assertThat(first.isRunning()).isTrue();
        }
        var key = dataDir.resolve("master-key");
        var saved = Files.readString(key);
        Files.delete(key);
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, config).close())
                .hasStackTraceContaining("no master-key");
        assertThat(key).as("no new key was generated over the old data").doesNotExist();

        Files.writeString(key, saved);
        try (var walk = Files.walk(dataDir.resolve("postgres"))) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, config).close())
                .hasStackTraceContaining("database is gone");
    }
}
