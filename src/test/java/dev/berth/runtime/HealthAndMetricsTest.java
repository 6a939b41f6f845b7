package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

@MicronautTest
class HealthAndMetricsTest extends BerthTestBase {

    @Test
    void healthReportsPostgresAndRedisWithoutTheirUrls() {
        var health = http().raw("GET", "/health", null, "application/json", null);
        assertThat(health.status()).isEqualTo(200);
        var details = health.json().path("details");
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        assertThat(details.path("postgres").path("status").asText()).isEqualTo("UP");
        assertThat(details.path("redis").path("status").asText()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain("jdbc:").doesNotContain("redis://");
    }

    @Test
    void prometheusCountsGraphQLRequestsByOperationType() {
        http().post("{ __typename }");
        http().post("mutation { createProject(input: {name: \"" + uniqueName("metrics") + "\"}) { project { id } } }");
        var metrics = http().raw("GET", "/prometheus", null, "text/plain", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("berth_graphql_requests_seconds_count\\{[^}]*operation=\"query\"")
                .containsPattern("berth_graphql_requests_seconds_count\\{[^}]*operation=\"mutation\"")
                .contains("berth_sql_statements_total");
    }
}
