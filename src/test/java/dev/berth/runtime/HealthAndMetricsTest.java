package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.HttpResult;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Anonymous callers see /health's status only; its details and /prometheus need an operator. */
@MicronautTest
class HealthAndMetricsTest extends BerthTestBase {
    private static final String METRICS_TOKEN = "prom-3f9a1c7e5b2d8046af19c3e7d5b20a4f";

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.metrics.token", METRICS_TOKEN);
    }

    private HttpResult get(String path, String bearer) {
        return new GraphQLHttp(server.getURI(), bearer, null).raw("GET", path, null, "*/*", null);
    }

    @Test
    void anonymousHealthIsTheStatusOnly() {
        var health = get("/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        assertThat(health.json().size()).as(health.body()).isEqualTo(1);
        assertThat(health.body()).doesNotContainIgnoringCase("postgres").doesNotContainIgnoringCase("redis");
        TestUsers.signUp(server.getURI()); // the first account of a fresh instance is its admin: make sure it is not this one
        var plain = TestUsers.signUp(server.getURI());
        assertThat(get("/health", plain.accessToken()).json().size()).as("a plain member is no operator").isEqualTo(1);
    }

    @Test
    void operatorsSeeHealthDetailsWithoutUrls() {
        var health = get("/health", METRICS_TOKEN);
        var details = health.json().path("details");
        assertThat(details.path("postgres").path("status").asText()).as(health.body()).isEqualTo("UP");
        assertThat(details.path("redis").path("status").asText()).isEqualTo("UP");
        assertThat(details.path("jobs").path("status").asText()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain("jdbc:").doesNotContain("redis://");
    }

    @Test
    void metricsNeedTheMetricsTokenOrTheInstanceAdmin() throws Exception {
        assertThat(get("/prometheus", null).status()).isEqualTo(401);
        assertThat(get("/prometheus", "wrong-token").status()).isEqualTo(401);
        TestUsers.signUp(server.getURI());
        assertThat(get("/prometheus", TestUsers.signUp(server.getURI()).accessToken()).status()).isEqualTo(401);
        http().post("{ __typename }");
        http().post("mutation { createProject(input: {name: \"" + uniqueName("metrics") + "\"}) { project { id } } }");
        var metrics = get("/prometheus", METRICS_TOKEN);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("berth_graphql_requests_seconds_count\\{[^}]*operation=\"query\"")
                .containsPattern("berth_graphql_requests_seconds_count\\{[^}]*operation=\"mutation\"")
                .contains("berth_sql_statements_total")
                .containsPattern("berth_sql_statements_with_commit_total [1-9]"); // the mutation's audit row went with its COMMIT
        var admin = TestUsers.signUp(server.getURI());
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), props.get("berth.database.password"));
             var s = c.prepareStatement("UPDATE users SET instance_admin = true WHERE id = CAST(? AS uuid)")) {
            s.setString(1, admin.id());
            s.executeUpdate();
        }
        assertThat(get("/prometheus", admin.accessToken()).status()).isEqualTo(200);
    }
}
