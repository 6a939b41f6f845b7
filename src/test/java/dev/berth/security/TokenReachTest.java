package dev.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.SchemaInputs;
import dev.berth.testing.TestUsers;
import graphql.schema.GraphQLSchema;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a personal access token reaches: no mutation at all without a write-class scope (every mutation of the
 * schema, read from the schema), nothing of its owner's other teams, and only its own team's projects.
 */
@MicronautTest
class TokenReachTest extends BerthTestBase {
    private static final String CREATE_TOKEN = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }";

    @Inject
    GraphQLSchema schema;

    private static String token(TestUsers.TestUser user, List<String> scopes, Map<String, Object> extra) {
        var input = new java.util.HashMap<String, Object>(Map.of("name", "t", "scopes", scopes));
        input.putAll(extra);
        return user.http().data(CREATE_TOKEN, Map.of("i", input)).path("createApiToken").path("token").asText();
    }

    @Test
    void noMutationRunsOnATokenWithoutAWriteClassScope() {
        var owner = TestUsers.signUp(server.getURI());
        var failures = new ArrayList<String>();
        for (var scopes : List.of(List.of("read"), List.of("read", "secrets:read"))) {
            var readOnly = anonymous().as(token(owner, scopes, Map.of()));
            for (var field : schema.getMutationType().getFieldDefinitions()) {
                var result = readOnly.post(SchemaInputs.document("mutation", field), SchemaInputs.variables(field, null));
                if (!"FORBIDDEN".equals(result.firstErrorCode())) failures.add(field.getName() + " with " + scopes + ": " + result.body());
            }
        }
        assertThat(schema.getMutationType().getFieldDefinitions()).hasSizeGreaterThan(20);
        assertThat(failures).isEmpty();
    }

    @Test
    void aReadTokenCannotRevokeAnotherMembersToken() {
        var owner = TestUsers.signUp(server.getURI());
        var ownerWrite = owner.http().data(CREATE_TOKEN, Map.of("i", Map.of("name", "w", "scopes", List.of("read", "write"))))
                .path("createApiToken");
        var readOnly = anonymous().as(token(owner, List.of("read"), Map.of()));
        var refused = readOnly.post("mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id } } }",
                Map.of("id", ownerWrite.path("apiToken").path("id").asText()));
        assertThat(refused.firstErrorCode()).isEqualTo("FORBIDDEN");
        assertThat(anonymous().as(ownerWrite.path("token").asText()).post("{ me { viaApiToken } }").status()).isEqualTo(200);
        // a write token may revoke its owner's own tokens
        var writer = anonymous().as(ownerWrite.path("token").asText());
        var another = owner.http().data(CREATE_TOKEN, Map.of("i", Map.of("name", "x", "scopes", List.of("read")))).path("createApiToken");
        assertThat(writer.post("mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } } }",
                Map.of("id", another.path("apiToken").path("id").asText())).firstErrorCode()).isNull();
    }

    @Test
    void everythingReachableFromMeIsCutToTheTokensTeam() {
        var owner = TestUsers.signUp(server.getURI());
        var stranger = TestUsers.signUp(server.getURI());
        var otherTeam = owner.http().data("mutation { createTeam(input: {name: \"Second\"}) { team { id } } }", Map.of())
                .path("createTeam").path("team").path("id").asText();
        var invite = owner.http().inTeam(otherTeam).data("mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }",
                Map.of("i", Map.of("email", stranger.email(), "role", "MEMBER"))).path("inviteMember").path("token").asText();
        stranger.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", invite));

        var query = """
                { me { team { id members { user { email } } invitations { email } }
                       memberships { team { id members { user { email } } invitations { email } } } } team { id } }""";
        // a session reaches both teams: the other team's member is visible to it
        assertThat(owner.http().data(query, Map.of()).toString()).contains(otherTeam).contains(stranger.email());

        // the widest token there is (invitations need the admin scope)
        var readToken = anonymous().as(token(owner, List.of("read", "write", "deploy", "secrets:read", "admin"), Map.of()));
        var data = readToken.data(query, Map.of());
        var teams = new HashSet<String>();
        collect(data, "id", teams);
        assertThat(teams).containsExactly(owner.teamId());
        assertThat(data.toString()).doesNotContain(stranger.email()).doesNotContain(otherTeam);
        // asking for the other team by header does not widen a token
        var widened = new GraphQLHttp(server.getURI(), readToken.bearer(), otherTeam).data(query, Map.of());
        assertThat(widened.toString()).doesNotContain(otherTeam).doesNotContain(stranger.email());
    }

    @Test
    void aTokenCannotBeLimitedToAnotherTeamsProject() {
        var owner = TestUsers.signUp(server.getURI());
        var other = TestUsers.signUp(server.getURI());
        var theirs = other.http().data("mutation { createProject(input: {name: \"theirs\"}) { project { id } } }", Map.of())
                .path("createProject").path("project").path("id").asText();
        var mine = owner.http().data("mutation { createProject(input: {name: \"mine\"}) { project { id } } }", Map.of())
                .path("createProject").path("project").path("id").asText();
        var refused = owner.http().post(CREATE_TOKEN, Map.of("i", Map.of("name", "x", "scopes", List.of("read"), "projectIds", List.of(mine, theirs))));
        assertThat(refused.firstErrorCode()).isEqualTo("NOT_FOUND");
        var missing = owner.http().post(CREATE_TOKEN, Map.of("i", Map.of("name", "x", "scopes", List.of("read"),
                "projectIds", List.of(java.util.UUID.randomUUID().toString()))));
        assertThat(missing.firstErrorCode()).isEqualTo("NOT_FOUND");
        assertThat(owner.http().post(CREATE_TOKEN, Map.of("i", Map.of("name", "x", "scopes", List.of("read"), "projectIds", List.of(mine))))
                .firstErrorCode()).isNull();
    }

    /** One reach rule for variables: a project-limited token sees no team variable through any field that reaches one. */
    @Test
    void aProjectLimitedTokenReadsNoTeamVariableThroughAnyField() {
        var owner = TestUsers.signUp(server.getURI());
        var project = owner.http().data("mutation { createProject(input: {name: \"reach\"}) { project { id environments { id } } } }", Map.of())
                .path("createProject").path("project");
        var key = owner.http().data("mutation { generatePrivateKey(input: {name: \"k\"}) { privateKey { id } } }", Map.of())
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        var serverId = owner.http().data("mutation($k: ID!) { createServer(input: {name: \"s\", host: \"127.0.0.1\", port: 1, privateKeyId: $k}) { server { id } } }",
                Map.of("k", key)).path("createServer").path("server").path("id").asText();
        var app = owner.http().data("mutation($e: ID!, $s: ID!) { createApplication(input: {environmentId: $e, serverId: $s, name: \"web\", source: {image: {image: \"busybox\"}}}) { application { id } } }",
                Map.of("e", project.path("environments").get(0).path("id").asText(), "s", serverId)).path("createApplication").path("application").path("id").asText();
        var teamValue = "team-value-" + java.util.UUID.randomUUID();
        var set = "mutation($i: SetEnvironmentVariablesInput!) { setEnvironmentVariables(input: $i) { variables { key } } }";
        owner.http().data(set, Map.of("i", Map.of("scope", Map.of("team", true), "variables", List.of(Map.of("key", "TEAM_PLAIN", "value", teamValue)))));
        owner.http().data(set, Map.of("i", Map.of("scope", Map.of("applicationId", app), "variables", List.of(Map.of("key", "APP_PLAIN", "value", "app-value")))));
        var deployment = owner.http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app))
                .path("deployApplication").path("deployment").path("id").asText();
        var query = """
                query($a: ID!, $d: ID!) {
                  application(id: $a) { effectiveEnvironment { key value scope } }
                  planDeployment(applicationId: $a) { configurationDiff { path before after } }
                  deployment(id: $d) { configurationDiff { path before after } } }""";
        var variables = Map.<String, Object>of("a", app, "d", deployment);
        assertThat(owner.http().data(query, variables).toString()).as("the team's members see it (the test can fail)").contains(teamValue);
        var limited = anonymous().as(token(owner, List.of("read", "secrets:read"), Map.of("projectIds", List.of(project.path("id").asText()))));
        var seen = limited.data(query, variables).toString();
        assertThat(seen).contains("app-value").doesNotContain(teamValue);
        assertThat(seen).contains("env.TEAM_PLAIN").contains("(team variable)");
    }

    private static void collect(JsonNode node, String key, Set<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals(key) && e.getValue().isTextual()) into.add(e.getValue().asText());
                collect(e.getValue(), key, into);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, key, into));
        }
    }
}
