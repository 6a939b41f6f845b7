package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.StatementCounts;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An environment's applications with their latest deployments cost a constant number of SQL statements, whatever
 * the number of applications (no job engine here: the deployments stay queued).
 */
@MicronautTest(transactional = false)
class DeploymentBatchingTest extends BerthTestBase {
    private static final String LIST = """
            query($e: ID!) { environment(id: $e) { applications(first: 20) { edges { node { name
              deployments(first: 5) { number status } } } } } }""";

    @Inject
    MeterRegistry meters;

    private String one;
    private String twenty;
    private String serverId;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false");
    }

    private String environmentWith(int applications, String serverId) {
        var environment = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("batch"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        for (int i = 0; i < applications; i++) {
            var app = http().data("mutation($e: ID!, $s: ID!, $n: String!) { createApplication(input: {environmentId: $e, serverId: $s, name: $n, source: {image: {image: \"busybox\"}}}) { application { id } } }",
                    Map.of("e", environment, "s", serverId, "n", "app-" + i)).path("createApplication").path("application").path("id").asText();
            for (int d = 0; d < 2; d++) {
                http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app));
            }
        }
        return environment;
    }

    @BeforeAll
    void environments() {
        var key = http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", Map.of("n", uniqueName("k")))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        serverId = http().data("mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", privateKeyId: $k}) { server { id } } }",
                Map.of("k", key, "n", uniqueName("s"))).path("createServer").path("server").path("id").asText();
        one = environmentWith(1, serverId);
        twenty = environmentWith(20, serverId);
    }

    private double statementsFor(String environment, int applications) {
        return StatementCounts.statements(meters, () -> {
            var edges = http().data(LIST, Map.of("e", environment)).path("environment").path("applications").path("edges");
            assertThat(edges).hasSize(applications);
            edges.forEach(edge -> {
                assertThat(edge.path("node").path("deployments")).hasSize(2);
                assertThat(edge.path("node").path("deployments").get(0).path("number").asInt()).isEqualTo(2); // newest first
            });
        });
    }

    @Test
    void twentyApplicationsWithTheirDeploymentsCostNoMoreStatementsThanOne() {
        statementsFor(one, 1); // warm-up
        double single = statementsFor(one, 1);
        double many = statementsFor(twenty, 20);
        assertThat(many).isEqualTo(single);
        // one query per level: environment, applications, deployments; the team travels with each (no set_config of
        // its own, no BEGIN or COMMIT)
        assertThat(many).isEqualTo(3); // three levels: a counter that counts nothing fails
    }

    // --- application(id) with its variables and deployments: one statement (ApplicationReadAhead) ---

    private static final String Q2 = """
            query($id: ID!) { application(id: $id) { id name status environmentVariables { key secret }
              deployments(first: 10) { id status createdAt } } }""";
    private static final String NODE = "id name status environmentVariables { key value secret buildTime } deployments%s { id number status createdAt }";

    /** An application in a new environment with {@code deployments} queued deployments and three variables (one secret). */
    private String[] applicationWith(int deployments) {
        var environment = environmentWith(0, serverId);
        var app = http().data("mutation($e: ID!, $s: ID!, $n: String!) { createApplication(input: {environmentId: $e, serverId: $s, name: $n, source: {image: {image: \"busybox\"}}}) { application { id } } }",
                Map.of("e", environment, "s", serverId, "n", uniqueName("ahead"))).path("createApplication").path("application").path("id").asText();
        http().data("mutation($i: SetEnvironmentVariablesInput!) { setEnvironmentVariables(input: $i) { variables { key } } }", Map.of("i", Map.of(
                "scope", Map.of("applicationId", app), "variables", java.util.List.of(Map.of("key", "ZETA", "value", "z"),
                        Map.of("key", "ALPHA", "value", "hidden-value", "secret", true), Map.of("key", "MID", "value", "m", "buildTime", true)))));
        for (int d = 0; d < deployments; d++) {
            http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app));
        }
        return new String[] {environment, app};
    }

    private double statements(Runnable request) {
        return StatementCounts.statements(meters, request);
    }

    @Test
    void theListColumnsAreCountedRight() {
        assertThat(DeploymentRows.LIST_COLUMNS.split(",")).hasSize(DeploymentRows.COLUMN_COUNT);
    }

    @Test
    void anApplicationWithItsVariablesAndDeploymentsCostsOneStatement() {
        var app = applicationWith(3)[1];
        http().data(Q2, Map.of("id", app)); // warm-up: the caller cached
        double used = statements(() -> {
            var data = http().data(Q2, Map.of("id", app)).path("application");
            assertThat(data.path("environmentVariables").findValuesAsText("key")).containsExactly("ALPHA", "MID", "ZETA");
            assertThat(data.path("deployments")).hasSize(3);
        });
        assertThat(used).isEqualTo(1);
        assertThat(statements(() -> http().data("query($id: ID!) { application(id: $id) { environmentVariables { key } } }", Map.of("id", app))))
                .as("variables alone").isEqualTo(1);
        assertThat(statements(() -> http().data("query($id: ID!) { application(id: $id) { deployments { number } } }", Map.of("id", app))))
                .as("deployments alone").isEqualTo(1);
        assertThat(statements(() -> http().data("query($id: ID!) { application(id: $id) { a: deployments(first: 1) { number } b: deployments(first: 2) { number } } }",
                Map.of("id", app)))).as("the page asked twice is read by level: the application, then a statement per page").isEqualTo(3);
    }

    /** Every way of asking answers what the loaders (an environment's applications) answer for the same application. */
    @Test
    void theApplicationReadWithItsRowsAnswersAsTheLoadersDo() {
        for (int deployments : new int[] {0, 3}) {
            var made = applicationWith(deployments);
            var environment = made[0];
            var app = made[1];
            for (var args : java.util.List.of("", "(first: 1)", "(first: 2)", "(first: 100)", "(before: 3)", "(before: 1)", "(first: 1, before: 3)",
                    "(first: $f)", "(before: $b)", "(first: $f, before: $b)", "(first: null)", "(first: $g)", "(first: 2) @skip(if: true)")) {
                var vars = (args.contains("$f") ? ", $f: Int = 2" : "") + (args.contains("$b") ? ", $b: Int" : "") + (args.contains("$g") ? ", $g: Int" : "");
                var byId = http().data("query($id: ID!" + vars + ") { application(id: $id) { " + NODE.formatted(args) + " } }",
                        Map.of("id", app, "b", 3)).path("application");
                var byLevel = http().data("query($e: ID!" + vars + ") { environment(id: $e) { applications(first: 5) { edges { node { " + NODE.formatted(args)
                        + " } } } } }", Map.of("e", environment, "b", 3)).path("environment").path("applications").path("edges").get(0).path("node");
                assertThat(byId).as("%d deployments, %s", deployments, args).isEqualTo(byLevel);
                if (!args.contains("null") && !args.contains("$g")) { // what the read-ahead cannot plan for is read by level (above: alike)
                    assertThat(statements(() -> http().data("query($id: ID!" + vars + ") { application(id: $id) { " + NODE.formatted(args) + " } }",
                            Map.of("id", app, "b", 3)))).as("the page primed under the key its field asks for: %s", args).isEqualTo(1);
                }
            }
            var byScope = http().data("query($id: ID!) { environmentVariables(scope: {applicationId: $id}) { key value secret buildTime } }",
                    Map.of("id", app)).path("environmentVariables");
            var withApplication = http().data("query($id: ID!) { application(id: $id) { environmentVariables { key value secret buildTime } } }",
                    Map.of("id", app)).path("application").path("environmentVariables");
            assertThat(withApplication).as("the variables read with the application, as the scope's own field shows them").isEqualTo(byScope);
            var both = http().data("query($id: ID!) { application(id: $id) { ...V ... on Application { environmentVariables { key } deployments(first: 2) { number } } } }"
                    + " fragment V on Application { environmentVariables { key value } }", Map.of("id", app)).path("application");
            assertThat(both.path("environmentVariables").findValuesAsText("key")).containsExactly("ALPHA", "MID", "ZETA");
            assertThat(both.path("environmentVariables").get(0).path("value").isNull()).as("a secret's value").isTrue();
            assertThat(both.path("deployments")).hasSize(Math.min(2, deployments));
        }
    }

    @Test
    void anApplicationReadWithItsRowsIsNotFoundWhereItIsNotVisibleAndBadPagesAreRefusedAsBefore() {
        var made = applicationWith(2);
        var app = made[1];
        var gone = applicationWith(1)[1];
        http().data("mutation($id: ID!) { deleteApplication(input: {id: $id}) { deletedApplicationId } }", Map.of("id", gone));
        for (var hidden : java.util.List.of(java.util.UUID.randomUUID().toString(), gone)) {
            assertThat(http().post(Q2, Map.of("id", hidden)).firstErrorCode()).as("application %s", hidden).isEqualTo("NOT_FOUND");
        }
        var stranger = dev.berth.testing.TestUsers.signUp(server.getURI()).http();
        assertThat(stranger.post(Q2, Map.of("id", app)).firstErrorCode()).as("another team").isEqualTo("NOT_FOUND");
        var project = http().data("query($e: ID!) { environment(id: $e) { project { id } } }", Map.of("e", made[0])).path("environment").path("project").path("id").asText();
        var otherProject = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", uniqueName("other")))
                .path("createProject").path("project").path("id").asText();
        var token = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }";
        var limitedElsewhere = http().as(http().data(token, Map.of("i", Map.of("name", "elsewhere", "scopes", java.util.List.of("read"),
                "projectIds", java.util.List.of(otherProject)))).path("createApiToken").path("token").asText());
        assertThat(limitedElsewhere.post(Q2, Map.of("id", app)).firstErrorCode()).as("a token limited to another project").isEqualTo("NOT_FOUND");
        var limitedHere = http().as(http().data(token, Map.of("i", Map.of("name", "here", "scopes", java.util.List.of("read"),
                "projectIds", java.util.List.of(project)))).path("createApiToken").path("token").asText());
        assertThat(limitedHere.data(Q2, Map.of("id", app)).path("application").path("deployments")).hasSize(2);
        for (var bad : java.util.List.of("(first: 0)", "(first: 101)", "(first: -1)", "(first: $f)")) {
            var f = bad.contains("$f") ? ", $f: Int = 1000" : "";
            var byId = http().post("query($id: ID!" + f + ") { application(id: $id) { deployments" + bad + " { number } } }", Map.of("id", app));
            var byLevel = http().post("query($e: ID!" + f + ") { environment(id: $e) { applications(first: 1) { edges { node { deployments" + bad
                    + " { number } } } } } }", Map.of("e", made[0]));
            assertThat(byId.firstErrorCode()).as(bad).isEqualTo("BAD_USER_INPUT").isEqualTo(byLevel.firstErrorCode());
        }
    }

    /**
     * A document's mutations run one after another, each answering after its change: what a loader read for an earlier
     * one (an application's variables, its deployments) does not answer for a later one.
     */
    @Test
    void aLaterMutationInTheSameDocumentSeesWhatAnEarlierOneChanged() {
        var app = applicationWith(1)[1];
        var shown = "application { environmentVariables { key } deployments { number } }";
        var data = http().data("mutation($a: ID!, $n1: String!, $n2: String!) {"
                + " x: updateApplication(input: {id: $a, name: $n1}) { " + shown + " }"
                + " s: setEnvironmentVariables(input: {scope: {applicationId: $a}, variables: [{key: \"ONLY\", value: \"1\"}]}) { variables { key } }"
                + " d: deployApplication(input: {applicationId: $a}) { deployment { number } }"
                + " y: updateApplication(input: {id: $a, name: $n2}) { " + shown + " } }",
                Map.of("a", app, "n1", uniqueName("x"), "n2", uniqueName("y")));
        assertThat(data.at("/x/application/environmentVariables").findValuesAsText("key")).containsExactly("ALPHA", "MID", "ZETA");
        assertThat(data.at("/x/application/deployments")).hasSize(1);
        assertThat(data.at("/y/application/environmentVariables").findValuesAsText("key")).containsExactly("ONLY");
        assertThat(data.at("/y/application/deployments").findValuesAsText("number")).containsExactly("2", "1");
    }

    /** An Int argument given as an explicit null reads as not given (it reached an int and answered INTERNAL). */
    @Test
    void anExplicitNullIntArgumentReadsAsNotGiven() {
        var app = applicationWith(2)[1];
        var deployment = http().data("query($id: ID!) { application(id: $id) { deployments(first: null, before: null) { id number } } }", Map.of("id", app))
                .at("/application/deployments");
        assertThat(deployment.findValuesAsText("number")).containsExactly("2", "1");
        var logs = http().post("query($d: ID!) { deployment(id: $d) { logs(first: null, after: null) { seq } } }",
                Map.of("d", deployment.get(0).path("id").asText()));
        assertThat(logs.firstErrorCode()).as(logs.body()).isNull();
    }
}
