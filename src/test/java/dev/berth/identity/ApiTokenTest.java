package dev.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.TestUsers;
import dev.berth.testing.TestUsers.TestUser;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Personal access tokens: shown once, scoped, limited to projects, revocable, capped by the owner's role. */
@MicronautTest
class ApiTokenTest extends BerthTestBase {
    private static final String CREATE_TOKEN = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id scopes } } }";
    private static final String CREATE_PROJECT = "mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }";

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.ws.revalidate-every", "1s");
    }

    private String token(TestUser user, List<String> scopes, Map<String, Object> extra) {
        var input = new HashMap<String, Object>(Map.of("name", "ci", "scopes", scopes));
        input.putAll(extra);
        var created = user.http().data(CREATE_TOKEN, Map.of("i", input)).path("createApiToken");
        return created.path("token").asText();
    }

    private GraphQLHttp as(String token) {
        return anonymous().as(token);
    }

    @Test
    void aTokenIsShownOnceAndListedWithoutItsSecret() {
        var user = TestUsers.signUp(server.getURI());
        var secret = token(user, List.of("read"), Map.of());
        assertThat(secret).startsWith("berth_pat_");
        var listed = user.http().data("{ apiTokens { id name scopes lastUsedAt revokedAt } }", Map.of()).path("apiTokens");
        assertThat(listed).hasSize(1);
        assertThat(listed.toString()).doesNotContain(secret);
        var me = as(secret).data("{ me { viaApiToken scopes team { id } } }", Map.of()).path("me");
        assertThat(me.path("viaApiToken").asBoolean()).isTrue();
        assertThat(me.path("team").path("id").asText()).isEqualTo(user.teamId());
    }

    @Test
    void aReadOnlyTokenCannotWrite() {
        var user = TestUsers.signUp(server.getURI());
        var read = token(user, List.of("read"), Map.of());
        assertThat(as(read).post(CREATE_PROJECT, Map.of("n", uniqueName("ro"))).firstErrorCode()).isEqualTo("FORBIDDEN");
        var write = token(user, List.of("read", "write"), Map.of());
        assertThat(as(write).post(CREATE_PROJECT, Map.of("n", uniqueName("rw"))).firstErrorCode()).isNull();
    }

    @Test
    void aTokenCannotMintTokensOrChangePasswords() {
        var user = TestUsers.signUp(server.getURI());
        var admin = token(user, List.of("read", "write", "admin"), Map.of());
        assertThat(as(admin).post(CREATE_TOKEN, Map.of("i", Map.of("name", "x", "scopes", List.of("read")))).firstErrorCode())
                .isEqualTo("FORBIDDEN");
        assertThat(as(admin).post("mutation { logout { clientMutationId } }").firstErrorCode()).isEqualTo("FORBIDDEN");
    }

    @Test
    void revokedAndExpiredTokensAreUnauthenticated() {
        var user = TestUsers.signUp(server.getURI());
        var created = user.http().data(CREATE_TOKEN, Map.of("i", Map.of("name", "t", "scopes", List.of("read")))).path("createApiToken");
        var secret = created.path("token").asText();
        user.http().data("mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } } }",
                Map.of("id", created.path("apiToken").path("id").asText()));
        assertThat(as(secret).post("{ me { viaApiToken } }").status()).isEqualTo(401);
        var past = user.http().post(CREATE_TOKEN, Map.of("i", Map.of("name", "t", "scopes", List.of("read"),
                "expiresAt", Instant.now().minusSeconds(60).toString())));
        assertThat(past.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        assertThat(as("berth_pat_not-a-real-token").post("{ me { viaApiToken } }").status()).isEqualTo(401);
    }

    @Test
    void aTokenLimitedToProjectsSeesOnlyThose() {
        var user = TestUsers.signUp(server.getURI());
        var allowed = user.http().data(CREATE_PROJECT, Map.of("n", uniqueName("allowed"))).path("createProject").path("project").path("id").asText();
        var hidden = user.http().data(CREATE_PROJECT, Map.of("n", uniqueName("hidden"))).path("createProject").path("project").path("id").asText();
        var limited = token(user, List.of("read", "write"), Map.of("projectIds", List.of(allowed)));
        var listed = as(limited).data("{ projects(first: 100) { edges { node { id } } } }", Map.of()).path("projects").path("edges");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("node").path("id").asText()).isEqualTo(allowed);
        assertThat(as(limited).post("query($id: ID!) { project(id: $id) { name } }", Map.of("id", hidden)).firstErrorCode()).isEqualTo("NOT_FOUND");
        assertThat(as(limited).post(CREATE_PROJECT, Map.of("n", uniqueName("new"))).firstErrorCode()).isEqualTo("FORBIDDEN");
    }

    @Test
    void aViewerCannotGrantScopesBeyondTheirRole() {
        var owner = TestUsers.signUp(server.getURI());
        var viewer = TestUsers.signUp(server.getURI());
        var invite = owner.http().data("mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }",
                Map.of("i", Map.of("email", viewer.email(), "role", "VIEWER"))).path("inviteMember").path("token").asText();
        viewer.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", invite));
        var inTeam = viewer.http().inTeam(owner.teamId());
        assertThat(inTeam.post(CREATE_TOKEN, Map.of("i", Map.of("name", "w", "scopes", List.of("write")))).firstErrorCode()).isEqualTo("FORBIDDEN");
        assertThat(inTeam.post(CREATE_TOKEN, Map.of("i", Map.of("name", "r", "scopes", List.of("read")))).firstErrorCode()).isNull();
    }

    @Test
    void aDemotedMembersTokenLosesWhatTheNewRoleDoesNotAllow() {
        var owner = TestUsers.signUp(server.getURI());
        var member = TestUsers.signUp(server.getURI());
        var invite = owner.http().data("mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }",
                Map.of("i", Map.of("email", member.email(), "role", "MEMBER"))).path("inviteMember").path("token").asText();
        member.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", invite));
        var secret = token(new TestUser(member.id(), member.email(), owner.teamId(), null, null, member.http().inTeam(owner.teamId())),
                List.of("read", "write"), Map.of());
        assertThat(as(secret).post(CREATE_PROJECT, Map.of("n", uniqueName("before"))).firstErrorCode()).isNull();
        owner.http().data("mutation($i: ChangeMemberRoleInput!) { changeMemberRole(input: $i) { member { role } } }",
                Map.of("i", Map.of("userId", member.id(), "role", "VIEWER")));
        assertThat(as(secret).post(CREATE_PROJECT, Map.of("n", uniqueName("after"))).firstErrorCode()).isEqualTo("FORBIDDEN");
    }

    @Test
    void tokensWorkOverGraphqlWsAndARevokedTokensStreamEnds() {
        var user = TestUsers.signUp(server.getURI());
        var created = user.http().data(CREATE_TOKEN, Map.of("i", Map.of("name", "ws", "scopes", List.of("read")))).path("createApiToken");
        try (var client = WsClient.connectAndInit(server.getURI(), created.path("token").asText())) {
            client.subscribe("live", "subscription { projectEvents { kind } }");
            user.http().data("mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } } }",
                    Map.of("id", created.path("apiToken").path("id").asText()));
            var error = client.next(Duration.ofSeconds(30));
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("payload").get(0).path("extensions").path("code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(client.awaitClose(Duration.ofSeconds(30))).isEqualTo(4403);
        }
    }

    @Test
    void badCredentialsInConnectionInitClose4403() {
        try (var client = WsClient.connect(server.getURI())) {
            client.send(Map.of("type", "connection_init", "payload", Map.of("authorization", "Bearer berth_pat_forged")));
            assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(4403);
        }
    }

    /** A document that revokes its own token runs none of its later mutations with it; one that only adds a token does. */
    @Test
    void aLaterMutationOfTheDocumentRunsOnlyWithCredentialsThatStillHold() {
        var user = TestUsers.signUp(server.getURI());
        var created = user.http().data(CREATE_TOKEN, Map.of("i", Map.of("name", "self", "scopes", List.of("read", "write", "admin"))))
                .path("createApiToken");
        var self = as(created.path("token").asText());
        var name = uniqueName("after-revoke");
        var result = self.post("mutation($id: ID!, $n: String!) { r: revokeApiToken(input: {id: $id}) { apiToken { revokedAt } }"
                + " p: createProject(input: {name: $n}) { project { id } } }", Map.of("id", created.path("apiToken").path("id").asText(), "n", name));
        assertThat(result.firstErrorCode()).as(result.body()).isEqualTo("UNAUTHENTICATED");
        assertThat(result.json().at("/errors/0/path/0").asText()).isEqualTo("p");
        assertThat(self.post("{ me { viaApiToken } }").status()).as("the first mutation ran").isEqualTo(401);
        assertThat(user.http().data("{ projects(first: 100) { edges { node { name } } } }", Map.of()).findValuesAsText("name")).doesNotContain(name);

        var another = user.http().data(CREATE_TOKEN, Map.of("i", Map.of("name", "another", "scopes", List.of("read")))).path("createApiToken");
        var both = user.http().data("mutation($id: ID!, $n: String!) { r: revokeApiToken(input: {id: $id}) { apiToken { revokedAt } }"
                + " p: createProject(input: {name: $n}) { project { id } } }", Map.of("id", another.path("apiToken").path("id").asText(), "n", uniqueName("kept")));
        assertThat(both.at("/p/project/id").asText()).as("credentials changed (another token), but the caller's still hold").isNotEmpty();

        // a refused refresh (a refresh token used twice) revokes its session in a transaction of its own: the rest of
        // the document does not run with that session
        var session = TestUsers.signUp(server.getURI());
        var once = anonymous().data("mutation($t: String!) { refreshSession(input: {refreshToken: $t}) { accessToken } }",
                Map.of("t", session.refreshToken()));
        assertThat(once.at("/refreshSession/accessToken").asText()).isNotEmpty();
        var replayed = session.http().post("mutation($t: String!, $n: String!) { a: refreshSession(input: {refreshToken: $t}) { accessToken }"
                + " b: createProject(input: {name: $n}) { project { id } } }", Map.of("t", session.refreshToken(), "n", uniqueName("after-replay")));
        // (refreshSession's payload is non-null: its refusal ends the document there; b would be refused as well)
        assertThat(replayed.json().at("/errors").findValuesAsText("code")).as(replayed.body()).containsOnly("UNAUTHENTICATED");
        assertThat(replayed.json().at("/data").isNull()).isTrue();
    }

    /** A socket whose token one of its own operations revoked runs no further operation with it (closed 4403). */
    @Test
    void aSocketWhoseTokenAnEarlierOperationRevokedRunsNothingMore() {
        var user = TestUsers.signUp(server.getURI());
        var created = user.http().data(CREATE_TOKEN, Map.of("i", Map.of("name", "ws-self", "scopes", List.of("read", "write", "admin"))))
                .path("createApiToken");
        var name = uniqueName("after-ws-revoke");
        try (var client = WsClient.connectAndInit(server.getURI(), created.path("token").asText())) {
            client.send(Map.of("id", "1", "type", "subscribe", "payload", Map.of(
                    "query", "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } } }",
                    "variables", Map.of("id", created.path("apiToken").path("id").asText()))));
            var revoked = client.next(Duration.ofSeconds(30));
            assertThat(revoked.at("/payload/data/revokeApiToken/apiToken/revokedAt").asText()).as(revoked.toString()).isNotEmpty();
            assertThat(client.next(Duration.ofSeconds(30)).path("type").asText()).isEqualTo("complete");
            client.send(Map.of("id", "2", "type", "subscribe", "payload", Map.of(
                    "query", "mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", "variables", Map.of("n", name))));
            var refused = client.next(Duration.ofSeconds(30));
            assertThat(refused.path("type").asText()).as(refused.toString()).isEqualTo("error");
            assertThat(refused.path("payload").get(0).path("extensions").path("code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(client.awaitClose(Duration.ofSeconds(30))).isEqualTo(4403);
        }
        assertThat(user.http().data("{ projects(first: 100) { edges { node { name } } } }", Map.of()).findValuesAsText("name")).doesNotContain(name);
    }
}
