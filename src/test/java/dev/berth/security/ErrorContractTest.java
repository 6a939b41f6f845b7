package dev.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.HttpResult;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every error, whoever raised it (a fetcher, graphql-java's variable coercion, its introspection guard, the
 * transport), carries {@code extensions.code} and {@code requestId} and never graphql-java's classification;
 * a request refused before execution is HTTP 400 under application/graphql-response+json.
 */
@MicronautTest
class ErrorContractTest extends BerthTestBase {
    private static final String BAD_FAITH = "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }";

    @Test
    void requestsRefusedBeforeExecutionAre400WithACode() {
        expect(http().post("query($n: Int!) { projects(first: $n) { edges { cursor } } }", Map.of("n", "many")), 400, "BAD_USER_INPUT");
        expect(http().post("query($id: ID!) { project(id: $id) { name } }", Map.of()), 400, "BAD_USER_INPUT");
        expect(http().post("mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } } }",
                Map.of("i", Map.of("name", "x", "unknownField", 1))), 400, "BAD_USER_INPUT");
        expect(anonymous().post(BAD_FAITH), 400, "QUERY_TOO_COSTLY");
        expect(http().post("{ nope }"), 400, "GRAPHQL_VALIDATION_FAILED");
        expect(http().post("{"), 400, "GRAPHQL_PARSE_FAILED");
    }

    @Test
    void legacyJsonKeepsStatus200ButTheSameShape() {
        var body = GraphQLHttp.write(Map.of("query", "query($n: Int!) { projects(first: $n) { edges { cursor } } }", "variables", Map.of("n", "x")));
        var result = http().raw("POST", "/graphql", "application/json", "application/json", body);
        expect(result, 200, "BAD_USER_INPUT");
    }

    @Test
    void fieldErrorsHaveNoClassification() {
        var result = http().post("query($id: ID!) { project(id: $id) { name } }", Map.of("id", UUID.randomUUID().toString()));
        expect(result, 200, "NOT_FOUND");
    }

    @Test
    void subscriptionErrorsFollowTheSameContract() {
        try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            ws.send(Map.of("id", "1", "type", "subscribe", "payload", Map.of(
                    "query", "subscription($id: ID!) { serverValidation(id: $id) { step } }", "variables", Map.of("id", 5))));
            var error = ws.next(Duration.ofSeconds(10)).path("payload").path(0);
            assertContract(error, "BAD_USER_INPUT");
        }
    }

    private static void expect(HttpResult result, int status, String code) {
        assertThat(result.status()).as(result.body()).isEqualTo(status);
        for (var error : result.json().path("errors")) assertThat(error.path("extensions").has("classification")).as(result.body()).isFalse();
        assertContract(result.json().path("errors").path(0), code);
    }

    private static void assertContract(JsonNode error, String code) {
        assertThat(error.path("extensions").path("code").asText()).as(error.toString()).isEqualTo(code);
        assertThat(error.path("extensions").path("requestId").asText()).as(error.toString()).isNotBlank();
        assertThat(error.path("extensions").has("classification")).as(error.toString()).isFalse();
        if (code.equals("BAD_USER_INPUT")) assertThat(error.path("extensions").path("field").asText()).isNotBlank();
    }
}
