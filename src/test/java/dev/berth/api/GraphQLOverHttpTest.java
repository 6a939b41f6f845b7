package dev.berth.api;

import static dev.berth.testing.GraphQLHttp.GRAPHQL_RESPONSE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.HttpResult;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The GraphQL-over-HTTP rules of /graphql, against a real server, PostgreSQL and Redis. */
@MicronautTest
class GraphQLOverHttpTest extends BerthTestBase {

    private static final String CREATE = "mutation($name: String!) { createProject(input: {name: $name}) { project { id } } }";

    private boolean projectExists(String name) {
        var data = http().data("{ projects(first: 100) { edges { node { name } } } }", Map.of());
        for (var edge : data.path("projects").path("edges")) {
            if (edge.path("node").path("name").asText().equals(name)) return true;
        }
        return false;
    }

    private String body(String query, Map<String, Object> variables) {
        return dev.berth.testing.GraphQLHttp.write(Map.of("query", query, "variables", variables));
    }

    @Test
    void postAnswersWithTheGraphQLResponseMediaTypeWhenAccepted() {
        var result = http().post("{ __typename }");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.contentType()).startsWith(GRAPHQL_RESPONSE).contains("charset=utf-8");
        assertThat(result.json().path("data").path("__typename").asText()).isEqualTo("Query");
        assertThat(result.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void legacyClientsAcceptingOnlyJsonGetJson() {
        var result = http().raw("POST", "/graphql", "application/json", "application/json", body("{ __typename }", Map.of()));
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.contentType()).startsWith("application/json");
    }

    @Test
    void aClientAcceptingNeitherMediaTypeGets406() {
        var result = http().raw("POST", "/graphql", "application/json", "text/html", body("{ __typename }", Map.of()));
        assertThat(result.status()).isEqualTo(406);
    }

    @Test
    void getRunsQueries() {
        var result = http().get(Map.of("query", "query Q($n: Int) { projects(first: $n) { pageInfo { hasNextPage } } }",
                "variables", "{\"n\": 1}"), GRAPHQL_RESPONSE);
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.json().path("data").path("projects").has("pageInfo")).isTrue();
    }

    @Test
    void aMutationOverGetIs405AndChangesNothing() {
        var name = uniqueName("get");
        var result = http().get(Map.of("query", "mutation { createProject(input: {name: \"" + name + "\"}) { project { id } } }"),
                GRAPHQL_RESPONSE);
        assertThat(result.status()).isEqualTo(405);
        assertThat(result.headers().firstValue("allow")).hasValue("POST");
        assertThat(result.firstErrorCode()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(projectExists(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/json; charset=latin1", "application/graphql"})
    void aBodyThatIsNotJsonIsRefusedAndNothingExecutes(String contentType) {
        var name = uniqueName("csrf");
        var result = http().raw("POST", "/graphql", contentType, GRAPHQL_RESPONSE, body(CREATE, Map.of("name", name)));
        assertThat(result.status()).isIn(400, 415);
        assertThat(projectExists(name)).isFalse();
    }

    @Test
    void aPostWithoutContentTypeIsRefused() {
        var name = uniqueName("nocontenttype");
        var result = http().raw("POST", "/graphql", null, GRAPHQL_RESPONSE, body(CREATE, Map.of("name", name)));
        assertThat(result.status()).isEqualTo(415);
        assertThat(projectExists(name)).isFalse();
    }

    @Test
    void aBatchedArrayBodyIs400AndNothingExecutes() {
        var name = uniqueName("batch");
        var batch = "[" + body(CREATE, Map.of("name", name)) + "]";
        var result = http().raw("POST", "/graphql", "application/json", GRAPHQL_RESPONSE, batch);
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("BAD_REQUEST");
        assertThat(projectExists(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "{}", "{\"query\": 42}", "{\"query\": \"{ __typename }\", \"variables\": [1]}",
            "{\"query\": \"{ __typename }\", \"operationName\": 7}", ""})
    void malformedRequestsAre400(String body) {
        var result = http().raw("POST", "/graphql", "application/json", GRAPHQL_RESPONSE, body);
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("BAD_REQUEST");
        assertThat(result.json().has("data")).isFalse();
    }

    @Test
    void aSyntaxErrorIs400UnderTheNewMediaTypeAnd200UnderLegacyJson() {
        var modern = http().post("{ projects(first: 1) { ");
        assertThat(modern.status()).isEqualTo(400);
        assertThat(modern.firstErrorCode()).isEqualTo("GRAPHQL_PARSE_FAILED");
        var legacy = http().raw("POST", "/graphql", "application/json", "application/json", body("{ projects(", Map.of()));
        assertThat(legacy.status()).isEqualTo(200);
        assertThat(legacy.firstErrorCode()).isEqualTo("GRAPHQL_PARSE_FAILED");
    }

    @Test
    void anUnknownFieldFailsValidation() {
        var result = http().post("{ nope }");
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("GRAPHQL_VALIDATION_FAILED");
        assertThat(result.json().has("data")).isFalse();
    }

    @Test
    void anUnknownOperationNameIsRefused() {
        var result = http().raw("POST", "/graphql", "application/json", GRAPHQL_RESPONSE,
                dev.berth.testing.GraphQLHttp.write(Map.of("query", "query A { __typename }", "operationName", "B")));
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("OPERATION_NOT_FOUND");
    }

    @Test
    void aTooDeepQueryIsRefusedBeforeExecution() {
        // depth 14 (the default limit is 12)
        var deep = "{ projects(first: 1) { edges { node { environments { project { environments { project { environments {"
                + " project { environments { project { environments { project { name } } } } } } } } } } } } } }";
        var result = http().post(deep);
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("QUERY_TOO_DEEP");
    }

    @Test
    void tooManyAliasesAreRefusedBeforeExecution() {
        var query = new StringBuilder("{");
        for (int i = 0; i < 31; i++) query.append(" a").append(i).append(": __typename");
        var result = http().post(query.append(" }").toString());
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("TOO_MANY_ALIASES");
    }

    @jakarta.inject.Inject
    graphql.schema.GraphQLSchema schema;

    @jakarta.inject.Inject
    GraphQLProperties limits;

    /**
     * The README's own dashboard (first 20 projects, their environments, 20 applications each, the latest 20
     * deployments of each) runs under the default limits and costs what the README says; with each deployment's first
     * 1 000 log lines it is refused before anything runs.
     */
    @Test
    void theReadmesDashboardRunsUnderTheDefaultsAndItsLogHeavyVariantIsRefused() throws Exception {
        var readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        var limitsSection = readme.substring(readme.indexOf("### Limits"), readme.indexOf("### Errors"));
        var dashboard = limitsSection.substring(limitsSection.indexOf("```graphql\n") + 11, limitsSection.indexOf("```\n\n"));
        var stated = java.util.regex.Pattern.compile("costs ([0-9 ]+), within the default ([0-9 ]+):").matcher(limitsSection);
        assertThat(stated.find()).as("the README states the dashboard's cost").isTrue();
        long cost = DocumentAnalysis.measure(schema, graphql.parser.Parser.parse(dashboard), null, Map.of(), limits.defaultListSize()).cost();
        assertThat(cost).isEqualTo(Long.parseLong(stated.group(1).replace(" ", "")));
        assertThat(limits.maxCost()).isEqualTo(Long.parseLong(stated.group(2).replace(" ", ""))).isGreaterThanOrEqualTo(cost);
        // the benchmark's Q1 costs what bench/README.md says
        var q1 = java.nio.file.Files.readString(java.nio.file.Path.of("bench/workloads/q1.graphql"));
        var benchSays = java.util.regex.Pattern.compile("Q1's estimated cost \\(([0-9,]+) objects\\)")
                .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("bench/README.md")));
        assertThat(benchSays.find()).isTrue();
        assertThat(DocumentAnalysis.measure(schema, graphql.parser.Parser.parse(q1), null, Map.of(), limits.defaultListSize()).cost())
                .isEqualTo(Long.parseLong(benchSays.group(1).replace(",", "")));

        http().data("mutation { createProject(input: {name: \"" + uniqueName("dash") + "\"}) { project { id } } }", Map.of());
        var answered = http().post(dashboard);
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        assertThat(answered.firstErrorCode()).as(answered.body()).isNull();
        assertThat(answered.json().path("data").path("projects").path("edges")).isNotEmpty();

        var withLogs = dashboard.replace("deployments(first: 20) { id number status createdAt }",
                "deployments(first: 20) { id number status createdAt logs(first: 1000) { text } }");
        assertThat(withLogs).isNotEqualTo(dashboard);
        var refused = http().post(withLogs);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.firstErrorCode()).isEqualTo("QUERY_TOO_COSTLY");
    }

    @Test
    void aTooLargeDocumentIsRefusedBeforeParsing() {
        var result = http().post("{ __typename }" + " ".repeat(40_000));
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("DOCUMENT_TOO_LARGE");
    }

    @Test
    void subscriptionsAreNotServedOverHttp() {
        var result = http().post("subscription { projectEvents { kind } }");
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void corsIsOffUnlessOriginsAreListed() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(server.getURI().resolve("/graphql"))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://anyone.example.test")
                .header("Access-Control-Request-Method", "POST")
                .build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void graphiqlIsServedByDefault() {
        HttpResult page = http().raw("GET", "/graphiql", null, "text/html", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("graphiql");
    }
}
