package dev.berth.testing;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of {@code @MicronautTest} classes: the context talks to the shared real PostgreSQL and Redis, and the
 * server listens on a random loopback port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BerthTestBase implements TestPropertyProvider {
    @Inject
    protected EmbeddedServer server;

    private TestUsers.TestUser user;

    @Override
    public final Map<String, String> getProperties() {
        var properties = new java.util.HashMap<>(TestServers.properties());
        properties.putAll(overrides());
        return properties;
    }

    /**
     * The jobs this class queued and left (deployments that a class without a job engine never ran, teardowns of
     * applications on servers nobody listens for): gone with the class, so that the next class's job engine, and the
     * two-node tests' nodes, do not spend their time on another class's work first. Classes run one at a time.
     */
    @org.junit.jupiter.api.AfterAll
    void forgetLeftoverJobs() throws java.sql.SQLException {
        var settings = getProperties(); // this class's database (a class running beside the others has its own)
        try (var connection = java.sql.DriverManager.getConnection(settings.get("berth.database.url"), settings.get("berth.database.username"),
                settings.get("berth.database.password"));
             var delete = connection.prepareStatement("DELETE FROM scheduled_tasks WHERE task_instance <> 'recurring' AND picked = false")) {
            delete.executeUpdate();
        }
    }

    /** Settings this test class changes from the defaults. */
    protected Map<String, String> overrides() {
        return Map.of();
    }

    /** A client signed in as this class's own user (signed up on first use, with a team of its own). */
    protected GraphQLHttp http() {
        return user().http();
    }

    protected TestUsers.TestUser user() {
        if (user == null) user = TestUsers.signUp(server.getURI());
        return user;
    }

    protected GraphQLHttp anonymous() {
        return new GraphQLHttp(server.getURI());
    }

    /** A project name no other test uses. */
    protected static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
