package dev.berth.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.StatementCounts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Listing projects with their environments costs a constant number of SQL statements, whatever the page
 * size: counted by the statement counter every pooled connection reports to.
 */
@MicronautTest
class EnvironmentBatchingTest extends BerthTestBase {
    private static final String LIST = """
            query($first: Int) { projects(first: $first) { edges { node { name environments { name project { name } } } } } }""";

    @Inject
    MeterRegistry meters;

    @BeforeAll
    void atLeastOneHundredProjects() {
        for (int i = 0; i < 100; i++) {
            http().data("mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }",
                    Map.of("input", Map.of("name", uniqueName("bulk"))));
        }
    }

    private double statementsFor(int first) {
        return StatementCounts.statements(meters, () -> {
            var data = http().data(LIST, Map.of("first", first));
            assertThat(data.path("projects").path("edges")).hasSize(first);
        });
    }

    @Test
    void oneHundredProjectsCostNoMoreStatementsThanOne() {
        statementsFor(1); // warm-up: bootstrap-team lookup and the like
        double one = statementsFor(1);
        double ten = statementsFor(10);
        double hundred = statementsFor(100);
        assertThat(hundred).isEqualTo(ten).isEqualTo(one);
        // the page with its environments in one statement (the page's fetcher looks ahead), their projects already
        // known from it; the team travels with the statement, no set_config, BEGIN or COMMIT of its own; the caller
        // was resolved by an earlier request and is cached. A counter that counts nothing fails.
        assertThat(one).isEqualTo(1.0);
    }

    @Test
    void aPageFilteredByMetadataStillLoadsItsEnvironmentsByLevel() {
        var filtered = LIST.replace("projects(first: $first)", "projects(first: $first, metadataContains: {})");
        http().data(filtered, Map.of("first", 10)); // warm
        assertThat(StatementCounts.statements(meters, () -> http().data(filtered, Map.of("first", 10))))
                .as("the page, the environments, their projects").isEqualTo(3.0);
    }

    /** Page by page (one project a page, several environments each), the cursors and pages are the loaders' own. */
    @Test
    void pagingWithEnvironmentsFollowsTheCursorsAsTheLoadersDo() {
        var h = dev.berth.testing.TestUsers.signUp(server.getURI()).http();
        for (int p = 0; p < 3; p++) {
            var id = h.data("mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }",
                    Map.of("input", Map.of("name", uniqueName("paged"), "metadata", Map.of("n", p)))).path("createProject").path("project").path("id").asText();
            for (var name : java.util.List.of("b" + p, "a" + p)) {
                h.data("mutation($p: ID!, $n: String!) { createEnvironment(input: {projectId: $p, name: $n}) { environment { id } } }", Map.of("p", id, "n", name));
            }
        }
        var page = "query($first: Int, $after: String) { projects(first: $first, after: $after%s) { edges { cursor node { id name metadata environments { name } } } pageInfo { hasNextPage endCursor } } }";
        for (int first : new int[] {1, 2, 100}) {
            var ahead = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
            var byLevel = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
            for (var pages : java.util.List.of(ahead, byLevel)) {
                String after = null;
                for (int i = 0; i < 10; i++) {
                    var vars = new java.util.HashMap<String, Object>(Map.of("first", first));
                    if (after != null) vars.put("after", after);
                    var got = h.data(page.formatted(pages == ahead ? "" : ", metadataContains: {}"), vars).path("projects");
                    pages.add(got);
                    if (!got.path("pageInfo").path("hasNextPage").asBoolean()) break;
                    after = got.path("pageInfo").path("endCursor").asText();
                }
            }
            assertThat(ahead).as("first: %d", first).isEqualTo(byLevel).hasSize(first == 1 ? 3 : first == 2 ? 2 : 1);
        }
    }

    /** A project read with its environments is NOT_FOUND wherever it would be alone, and primes nothing then. */
    @Test
    void aProjectReadWithItsEnvironmentsIsNotFoundWhereItIsNotVisible() {
        var owner = dev.berth.testing.TestUsers.signUp(server.getURI());
        var h = owner.http();
        var create = "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }";
        var mine = h.data(create, Map.of("input", Map.of("name", uniqueName("mine")))).path("createProject").path("project").path("id").asText();
        var other = h.data(create, Map.of("input", Map.of("name", uniqueName("other")))).path("createProject").path("project").path("id").asText();
        var deleted = h.data(create, Map.of("input", Map.of("name", uniqueName("deleted")))).path("createProject").path("project").path("id").asText();
        h.data("mutation($id: ID!) { deleteProject(input: {id: $id}) { deletedProjectId } }", Map.of("id", deleted));
        var elsewhere = http().data(create, Map.of("input", Map.of("name", uniqueName("elsewhere")))).path("createProject").path("project").path("id").asText();
        var limited = h.as(h.data("mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
                Map.of("i", Map.of("name", "limited", "scopes", java.util.List.of("read"), "projectIds", java.util.List.of(other))))
                .path("createApiToken").path("token").asText());
        var query = "query($id: ID!) { project(id: $id) { id environments { name project { id } } } }";
        for (var hidden : java.util.List.of(java.util.UUID.randomUUID().toString(), deleted, elsewhere)) {
            assertThat(h.post(query, Map.of("id", hidden)).firstErrorCode()).as("project %s", hidden).isEqualTo("NOT_FOUND");
        }
        assertThat(limited.post(query, Map.of("id", mine)).firstErrorCode()).as("a token limited to another project").isEqualTo("NOT_FOUND");
        assertThat(limited.data(query, Map.of("id", other)).path("project").path("environments").get(0).path("project").path("id").asText())
                .isEqualTo(other);
        assertThat(limited.data("{ projects(first: 10) { edges { node { id environments { name } } } } }", Map.of())
                .path("projects").path("edges").findValuesAsText("id")).containsExactly(other);
    }

    /** What one statement reads is what the loaders read: live environments by name, none for a project without. */
    @Test
    void theProjectAndPageReadWithTheirEnvironmentsAnswerAsTheLoadersDo() {
        var h = dev.berth.testing.TestUsers.signUp(server.getURI()).http(); // a team with only these projects: one page
        var project = h.data("mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id environments { id } } } }",
                Map.of("input", Map.of("name", uniqueName("ahead")))).path("createProject").path("project");
        var id = project.path("id").asText();
        for (var name : java.util.List.of("zeta", "alpha", "gone")) {
            h.data("mutation($p: ID!, $n: String!) { createEnvironment(input: {projectId: $p, name: $n}) { environment { id } } }",
                    Map.of("p", id, "n", name));
        }
        var gone = h.data("query($id: ID!) { project(id: $id) { environments { id name } } }", Map.of("id", id))
                .path("project").path("environments");
        for (var environment : gone) {
            if (environment.path("name").asText().equals("gone")) {
                h.data("mutation($e: ID!) { deleteEnvironment(input: {id: $e}) { deletedEnvironmentId } }", Map.of("e", environment.path("id").asText()));
            }
        }
        var empty = h.data("mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id environments { id } } } }",
                Map.of("input", Map.of("name", uniqueName("bare")))).path("createProject").path("project");
        h.data("mutation($e: ID!) { deleteEnvironment(input: {id: $e}) { deletedEnvironmentId } }",
                Map.of("e", empty.path("environments").get(0).path("id").asText()));

        var fields = "id name environments { id name project { id } }";
        for (var projectId : java.util.List.of(id, empty.path("id").asText())) {
            // looked ahead (one statement), through a fragment, and by level (a field the fetcher does not look at)
            var ahead = h.data("query($id: ID!) { project(id: $id) { " + fields + " } }", Map.of("id", projectId)).path("project");
            var fragment = h.data("query($id: ID!) { project(id: $id) { ...F } } fragment F on Project { " + fields + " }",
                    Map.of("id", projectId)).path("project");
            var byLevel = h.data("query { projects(first: 100, metadataContains: {}) { edges { node { " + fields + " } } } }",
                    Map.of()).path("projects").path("edges");
            com.fasterxml.jackson.databind.JsonNode loaded = null;
            for (var edge : byLevel) if (edge.path("node").path("id").asText().equals(projectId)) loaded = edge.path("node");
            var paged = h.data("query { projects(first: 100) { edges { node { " + fields + " } } } }", Map.of()).path("projects").path("edges");
            com.fasterxml.jackson.databind.JsonNode pagedNode = null;
            for (var edge : paged) if (edge.path("node").path("id").asText().equals(projectId)) pagedNode = edge.path("node");
            assertThat(loaded).as("the project is on the first page").isNotNull();
            assertThat(ahead).isEqualTo(loaded).isEqualTo(fragment).isEqualTo(pagedNode);
        }
        var names = h.data("query($id: ID!) { project(id: $id) { environments { name } } }", Map.of("id", id)).path("project").path("environments");
        assertThat(names.findValuesAsText("name")).containsExactly("alpha", "production", "zeta");
        assertThat(h.data("query($id: ID!) { project(id: $id) { environments { name } } }", Map.of("id", empty.path("id").asText()))
                .path("project").path("environments")).isEmpty();
    }

    /**
     * A document that also holds an operation asking a server (planDeployment, {@code @ownTransaction}) runs the
     * operation it names as any query: in one transaction. Only the operation that runs decides.
     */
    @Test
    void anUnrunOperationThatWouldAskAServerDoesNotTakeTheSharedTransactionAway() {
        statementsFor(10);
        double alone = statementsFor(10);
        var listed = LIST.replaceFirst("query", "query Listed");
        var body = dev.berth.testing.GraphQLHttp.write(Map.of("operationName", "Listed", "variables", Map.of("first", 10), "query",
                listed + " query Planned { planDeployment(applicationId: \"01a24bb2-0000-7000-8000-000000000000\") { steps } }"));
        assertThat(StatementCounts.statements(meters, () -> {
            var result = http().raw("POST", "/graphql", "application/json", "application/json", body);
            assertThat(result.body()).contains("edges");
        })).isEqualTo(alone);
    }

    /**
     * A mutation's round trips: the project with its first environment in one statement, which carries the tenancy
     * setting in its round trip (the audit row, written in the same team, does not set it again), and the audit row,
     * which also says whether credentials changed.
     */
    @Test
    void creatingAProjectCostsTwoStatements() {
        var create = "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id name } } }";
        http().data(create, Map.of("input", Map.of("name", uniqueName("warm")))); // the caller cached
        assertThat(StatementCounts.statements(meters, () -> http().data(create, Map.of("input", Map.of("name", uniqueName("counted")))))).isEqualTo(2.0);
    }
}
