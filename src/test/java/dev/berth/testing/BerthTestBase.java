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
