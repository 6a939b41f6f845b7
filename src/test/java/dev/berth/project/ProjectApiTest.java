package dev.berth.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Projects and environments through GraphQL, with the error codes a client branches on. */
@MicronautTest
class ProjectApiTest extends BerthTestBase {

    private static final String CREATE = """
            mutation($input: CreateProjectInput!) {
              createProject(input: $input) { project { id name description metadata environments { id name } } }
            }""";

    private String create(String name) {
        return http().data(CREATE, Map.of("input", Map.of("name", name))).path("createProject").path("project").path("id").asText();
    }

    /**
     * A query runs in one transaction; a field that fails (NOT_FOUND here) marks it for rollback, and the rest of the
     * request is still answered, with HTTP 200.
     */
    @Test
    void aFailingFieldDoesNotSpoilTheRestOfTheQuery() {
        var name = uniqueName("kept");
        http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", name));
        var result = http().post("query($id: ID!) { missing: environment(id: $id) { id } projects(first: 100) { edges { node { name } } } }",
                Map.of("id", UUID.randomUUID().toString()));
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.firstErrorCode()).isEqualTo("NOT_FOUND");
        assertThat(result.json().path("data").path("projects").path("edges").toString()).contains(name);
    }

    @Test
    void aNewProjectStartsWithAProductionEnvironment() {
        var name = uniqueName("shop");
        var project = http().data(CREATE, Map.of("input", Map.of("name", name, "description", "Web shop",
                "metadata", Map.of("tier", "gold")))).path("createProject").path("project");
        assertThat(project.path("name").asText()).isEqualTo(name);
        assertThat(project.path("metadata").path("tier").asText()).isEqualTo("gold");
        assertThat(project.path("environments")).hasSize(1);
        assertThat(project.path("environments").get(0).path("name").asText()).isEqualTo("production");
    }

    @Test
    void anInvalidNameIsBadUserInputNamingTheField() {
        for (var bad : List.of("", "UPPER", "has space", "-leading", "trailing-", "a".repeat(64), "$(touch /tmp/x)")) {
            var result = http().post(CREATE, Map.of("input", Map.of("name", bad)));
            assertThat(result.firstErrorCode()).as(bad).isEqualTo("BAD_USER_INPUT");
            assertThat(result.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.name");
            assertThat(result.json().path("errors").get(0).path("extensions").path("requestId").asText()).isNotBlank();
        }
    }

    @Test
    void aDuplicateNameInTheTeamIsAConflict() {
        var name = uniqueName("dup");
        create(name);
        var result = http().post(CREATE, Map.of("input", Map.of("name", name)));
        assertThat(result.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(result.json().path("errors").get(0).path("message").asText()).isEqualTo("A project named '" + name + "' already exists in this team.");
        // the insert went with the audit row and the COMMIT: it failed there, and neither stayed
        var audited = http().data("{ auditEvents(search: \"" + name + "\", first: 10) { edges { node { action } } } }", Map.of())
                .path("auditEvents").path("edges");
        assertThat(audited).as("the first creation's event only").hasSize(1);
        var projects = http().data("{ projects(first: 100) { edges { node { name environments { name } } } } }", Map.of()).path("projects").path("edges");
        var named = new java.util.ArrayList<String>();
        projects.forEach(edge -> { if (edge.path("node").path("name").asText().equals(name)) named.add(edge.path("node").path("environments").toString()); });
        assertThat(named).as("one project of that name, with its one environment").containsExactly("[{\"name\":\"production\"}]");
    }

    @Test
    void metadataMustBeAnObjectOfBoundedSize() {
        var notObject = http().post(CREATE, Map.of("input", Map.of("name", uniqueName("m"), "metadata", List.of(1, 2))));
        assertThat(notObject.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        var huge = http().post(CREATE, Map.of("input", Map.of("name", uniqueName("m"), "metadata", Map.of("x", "y".repeat(17_000)))));
        assertThat(huge.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
    }

    @Test
    void aMissingIdIsNotFoundAndAMalformedOneIsBadInput() {
        var missing = http().post("query($id: ID!) { project(id: $id) { name } }", Map.of("id", UUID.randomUUID().toString()));
        assertThat(missing.firstErrorCode()).isEqualTo("NOT_FOUND");
        assertThat(missing.json().path("data").path("project").isNull()).isTrue();
        var malformed = http().post("query($id: ID!) { environment(id: $id) { name } }", Map.of("id", "nope"));
        assertThat(malformed.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
    }

    @Test
    void updateChangesOnlyTheGivenFields() {
        var id = create(uniqueName("upd"));
        var renamed = uniqueName("renamed");
        var project = http().data("""
                mutation($input: UpdateProjectInput!) { updateProject(input: $input) { project { name description metadata } } }""",
                Map.of("input", Map.of("id", id, "name", renamed, "metadata", Map.of("k", "v")))).path("updateProject").path("project");
        assertThat(project.path("name").asText()).isEqualTo(renamed);
        assertThat(project.path("metadata").path("k").asText()).isEqualTo("v");
        assertThat(project.path("description").isNull()).isTrue();
    }

    @Test
    void deletingAProjectTakesItsEnvironmentsAndFreesTheName() {
        var name = uniqueName("gone");
        var created = http().data(CREATE, Map.of("input", Map.of("name", name))).path("createProject").path("project");
        var id = created.path("id").asText();
        var environmentId = created.path("environments").get(0).path("id").asText();
        var deleted = http().data("mutation($input: DeleteProjectInput!) { deleteProject(input: $input) { deletedProjectId } }",
                Map.of("input", Map.of("id", id)));
        assertThat(deleted.path("deleteProject").path("deletedProjectId").asText()).isEqualTo(id);
        assertThat(http().post("query($id: ID!) { project(id: $id) { name } }", Map.of("id", id)).firstErrorCode()).isEqualTo("NOT_FOUND");
        assertThat(http().post("query($id: ID!) { environment(id: $id) { name } }", Map.of("id", environmentId)).firstErrorCode())
                .isEqualTo("NOT_FOUND");
        assertThat(create(name)).isNotEqualTo(id);
    }

    @Test
    void environmentsAreCreatedRenamedAndDeleted() {
        var projectId = create(uniqueName("envs"));
        var staging = http().data("""
                mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { id name project { id } } } }""",
                Map.of("input", Map.of("projectId", projectId, "name", "staging"))).path("createEnvironment").path("environment");
        assertThat(staging.path("project").path("id").asText()).isEqualTo(projectId);
        var duplicate = http().post("""
                mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { id } } }""",
                Map.of("input", Map.of("projectId", projectId, "name", "production")));
        assertThat(duplicate.firstErrorCode()).isEqualTo("CONFLICT");
        var renamed = http().data("""
                mutation($input: RenameEnvironmentInput!) { renameEnvironment(input: $input) { environment { name } } }""",
                Map.of("input", Map.of("id", staging.path("id").asText(), "name", "preview")));
        assertThat(renamed.path("renameEnvironment").path("environment").path("name").asText()).isEqualTo("preview");
        http().data("mutation($input: DeleteEnvironmentInput!) { deleteEnvironment(input: $input) { deletedEnvironmentId } }",
                Map.of("input", Map.of("id", staging.path("id").asText())));
        var names = http().data("query($id: ID!) { project(id: $id) { environments { name } } }", Map.of("id", projectId))
                .path("project").path("environments");
        assertThat(names).hasSize(1);
        assertThat(names.get(0).path("name").asText()).isEqualTo("production");
    }

    /** A project has at most 20 environments (the bound the cost estimate of its environments rests on), racing creations included. */
    @Test
    void aProjectHasAtMostTwentyEnvironmentsEvenWhenCreationsRace() throws Exception {
        var projectId = create(uniqueName("many"));
        var create = "mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { id } } }";
        for (int i = 1; i < 18; i++) http().data(create, Map.of("input", Map.of("projectId", projectId, "name", "e" + i)));
        // 18 now; five at once race for the last two places
        var answers = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(5)) {
            for (int i = 0; i < 5; i++) {
                var name = "race" + i;
                pool.submit(() -> {
                    var code = http().post(create, Map.of("input", Map.of("projectId", projectId, "name", name))).firstErrorCode();
                    answers.add(code == null ? "OK" : code);
                });
            }
        }
        assertThat(answers).containsExactlyInAnyOrder("OK", "OK", "POLICY_VIOLATION", "POLICY_VIOLATION", "POLICY_VIOLATION");
        var environments = http().data("query($id: ID!) { project(id: $id) { environments { id name } } }", Map.of("id", projectId))
                .path("project").path("environments");
        assertThat(environments).hasSize(20);
        // a deleted one frees its place
        http().data("mutation($input: DeleteEnvironmentInput!) { deleteEnvironment(input: $input) { deletedEnvironmentId } }",
                Map.of("input", Map.of("id", environments.get(1).path("id").asText())));
        assertThat(http().post(create, Map.of("input", Map.of("projectId", projectId, "name", "again"))).firstErrorCode()).isNull();
    }

    @Test
    void anEnvironmentOfAMissingProjectIsNotFound() {
        var result = http().post("mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { environment { id } } }",
                Map.of("input", Map.of("projectId", UUID.randomUUID().toString(), "name", "staging")));
        assertThat(result.firstErrorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void pagesFollowCursorsAndFilterOnMetadata() {
        var tag = UUID.randomUUID().toString();
        var names = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            var name = uniqueName("page" + i);
            names.add(name);
            http().data(CREATE, Map.of("input", Map.of("name", name, "metadata", Map.of("suite", tag, "n", i))));
        }
        var seen = new ArrayList<String>();
        String after = null;
        boolean more = true;
        while (more) {
            var vars = new java.util.HashMap<String, Object>(Map.of("filter", Map.of("suite", tag)));
            vars.put("after", after);
            var page = http().data("""
                    query($filter: JSON, $after: String) {
                      projects(first: 2, after: $after, metadataContains: $filter) {
                        edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }""", vars).path("projects");
            page.path("edges").forEach(edge -> seen.add(edge.path("node").path("name").asText()));
            more = page.path("pageInfo").path("hasNextPage").asBoolean();
            after = page.path("pageInfo").path("endCursor").asText();
        }
        assertThat(seen).containsExactlyElementsOf(names);
    }

    @Test
    void pageSizeIsBetweenOneAndOneHundredAndCursorsAreChecked() {
        assertThat(http().post("{ projects(first: 0) { pageInfo { hasNextPage } } }").firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        assertThat(http().post("{ projects(first: 101) { pageInfo { hasNextPage } } }").firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        var badCursor = http().post("{ projects(first: 1, after: \"garbage\") { pageInfo { hasNextPage } } }");
        assertThat(badCursor.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        assertThat(badCursor.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("after");
    }
}
