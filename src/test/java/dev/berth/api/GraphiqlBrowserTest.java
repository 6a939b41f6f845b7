package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.NodeScripts;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GraphiQL in a real browser (Debian's Chromium through playwright-core) with no network but loopback: the page
 * loads every asset from Berth itself, runs a query with the token from its Headers tab, and its subscription,
 * signed in with the same headers, receives an event. Chromium is required: .ci/run installs it.
 */
@MicronautTest
class GraphiqlBrowserTest extends BerthTestBase {

    @Test
    void graphiqlWorksOfflineWithTokenAndSubscription() throws Exception {
        assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")))
                .as("Chromium is required (apt-get install chromium)").exists();
        var result = NodeScripts.run("graphiql-browser.mjs",
                Map.of("BERTH_URL", "http://127.0.0.1:" + server.getPort(), "BERTH_TOKEN", user().accessToken()), 120);
        var output = result.toString();
        assertThat(result.path("outside")).as("requests that tried to leave 127.0.0.1: " + output).isEmpty();
        assertThat(result.path("loaded").asBoolean()).as(output).isTrue();
        assertThat(result.path("query").asText()).as(output).contains(user().email());
        assertThat(result.path("subscription").asText()).as(output).contains("CREATED").contains("seen-in-graphiql");
    }

    @Test
    void theHomePageLinksTheConsoleAndTheSchemaIsServed() {
        var home = anonymous().raw("GET", "/", null, "text/html", null);
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("Berth").contains("/graphiql").contains("/health").contains("/schema.graphql");
        var sdl = anonymous().raw("GET", "/schema.graphql", null, "text/plain", null);
        assertThat(sdl.status()).isEqualTo(200);
        assertThat(sdl.body()).contains("type Query").contains("createProject");
        var asset = anonymous().raw("GET", "/webjars/graphiql/2.4.7/graphiql.min.js", null, "*/*", null);
        assertThat(asset.status()).isEqualTo(200);
    }
}
