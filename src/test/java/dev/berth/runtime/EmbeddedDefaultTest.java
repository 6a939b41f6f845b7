package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.GraphQLHttp;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no database or Redis URL, Berth starts its own servers under BERTH_DATA_DIR and keeps data across restarts. */
class EmbeddedDefaultTest {

    @Test
    void dataSurvivesARestartOnTheEmbeddedDefault() throws Exception {
        var dataDir = Files.createTempDirectory("berth-embedded-");
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
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
        assertThat(java.nio.file.Files.getPosixFilePermissions(dataDir.resolve("master-key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(java.nio.file.Files.getPosixFilePermissions(dataDir.resolve("jwt-secret")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        try (var second = ApplicationContext.run(EmbeddedServer.class, config)) {
            // the generated signing key was kept, so the token from before the restart still works
            var name = new GraphQLHttp(second.getURI()).as(token)
                    .data("query($id: ID!) { project(id: $id) { name } }", Map.of("id", id))
                    .path("project").path("name").asText();
            assertThat(name).isEqualTo("kept");
        }
    }
}
