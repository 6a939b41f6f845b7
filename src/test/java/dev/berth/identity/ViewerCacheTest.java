package dev.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.StatementCounts;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Resolved callers are cached, and every change to what they were resolved from applies to the very next request:
 * revocation, logout, password change, role change, removal from the team; a change made elsewhere (another node,
 * plain SQL) arrives through the database's notifications.
 */
@MicronautTest
class ViewerCacheTest extends BerthTestBase {
    private static final String ME = "{ me { role team { id } } }";
    private static final String CREATE_PROJECT = "mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }";

    @Inject
    MeterRegistry meters;

    private String token(TestUsers.TestUser user, List<String> scopes) {
        return user.http().data("mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
                Map.of("i", Map.of("name", "cache", "scopes", scopes))).path("createApiToken").path("token").asText();
    }

    private String errorCode(String bearer, String query) {
        return anonymous().as(bearer).post(query, Map.of("n", uniqueName("p"))).firstErrorCode();
    }

    @Test
    void aKnownCredentialCostsNoStatement() {
        var user = TestUsers.signUp(server.getURI());
        var pat = anonymous().as(token(user, List.of("read")));
        pat.data(ME, Map.of());
        // a query of no field: its transaction's team setting is all it costs, nothing for the credential
        assertThat(StatementCounts.statements(meters, () -> pat.data("{ __typename }", Map.of()))).isLessThanOrEqualTo(1);
    }

    @Test
    void aRevokedTokenIsRefusedOnTheNextRequest() {
        var user = TestUsers.signUp(server.getURI());
        var created = user.http().data("mutation { createApiToken(input: {name: \"r\", scopes: [\"read\"]}) { token apiToken { id } } }", Map.of())
                .path("createApiToken");
        var secret = created.path("token").asText();
        assertThat(errorCode(secret, ME)).isNull();
        assertThat(errorCode(secret, ME)).isNull();
        user.http().data("mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id } } }",
                Map.of("id", created.path("apiToken").path("id").asText()));
        assertThat(errorCode(secret, ME)).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void logoutEndsTheSessionOnTheNextRequest() {
        var user = TestUsers.signUp(server.getURI());
        assertThat(errorCode(user.accessToken(), ME)).isNull();
        user.http().data("mutation { logout { clientMutationId } }", Map.of());
        assertThat(errorCode(user.accessToken(), ME)).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void aPasswordChangeEndsOtherSessionsOnTheNextRequest() {
        var user = TestUsers.signUp(server.getURI());
        var other = anonymous().data("mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                Map.of("i", Map.of("email", user.email(), "password", TestUsers.PASSWORD))).path("login").path("accessToken").asText();
        assertThat(errorCode(other, ME)).isNull();
        user.http().data("mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { id } } }",
                Map.of("i", Map.of("currentPassword", TestUsers.PASSWORD, "newPassword", "a different long passphrase")));
        assertThat(errorCode(other, ME)).isEqualTo("UNAUTHENTICATED");
        assertThat(errorCode(user.accessToken(), ME)).isNull();
    }

    @Test
    void aRoleChangeAndARemovalApplyOnTheNextRequest() {
        var owner = TestUsers.signUp(server.getURI());
        var member = TestUsers.signUp(server.getURI());
        var invite = owner.http().data("mutation($e: String!) { inviteMember(input: {email: $e, role: MEMBER}) { token } }",
                Map.of("e", member.email())).path("inviteMember").path("token").asText();
        member.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", invite));
        var inTeam = member.http().inTeam(owner.teamId());
        var pat = inTeam.data("mutation { createApiToken(input: {name: \"m\", scopes: [\"read\", \"write\"]}) { token } }", Map.of())
                .path("createApiToken").path("token").asText();
        assertThat(inTeam.post(CREATE_PROJECT, Map.of("n", uniqueName("before"))).firstErrorCode()).isNull();
        assertThat(errorCode(pat, CREATE_PROJECT)).isNull();

        owner.http().data("mutation($u: ID!) { changeMemberRole(input: {userId: $u, role: VIEWER}) { member { role } } }", Map.of("u", member.id()));
        assertThat(inTeam.post(CREATE_PROJECT, Map.of("n", uniqueName("viewer"))).firstErrorCode()).isEqualTo("FORBIDDEN");
        assertThat(errorCode(pat, CREATE_PROJECT)).isEqualTo("FORBIDDEN");
        assertThat(inTeam.data(ME, Map.of()).path("me").path("role").asText()).isEqualTo("VIEWER");

        owner.http().data("mutation($u: ID!) { removeMember(input: {userId: $u}) { removedUserId } }", Map.of("u", member.id()));
        assertThat(inTeam.post(ME, Map.of()).firstErrorCode()).isEqualTo("UNAUTHENTICATED");
        assertThat(errorCode(pat, ME)).isEqualTo("UNAUTHENTICATED");
    }

    /** What another Berth node does: change the database, and nothing else. */
    @Test
    void aChangeMadeElsewhereArrivesThroughTheDatabase() throws Exception {
        var user = TestUsers.signUp(server.getURI());
        var secret = token(user, List.of("read"));
        assertThat(errorCode(secret, ME)).isNull();
        assertThat(errorCode(secret, ME)).isNull();
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement("UPDATE api_tokens SET revoked_at = now() WHERE user_id = CAST(? AS uuid)")) {
            s.setString(1, user.id());
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String code = null;
        while (System.nanoTime() < deadline && !"UNAUTHENTICATED".equals(code)) {
            code = errorCode(secret, ME);
            Thread.sleep(20);
        }
        assertThat(code).isEqualTo("UNAUTHENTICATED");
    }

    /** The triggers notify for every column a caller is resolved from, and not for a token's last use. */
    @Test
    void theTriggersNotifyForCredentialsOnly() throws Exception {
        var user = TestUsers.signUp(server.getURI());
        token(user, List.of("read"));
        var props = TestServers.properties();
        try (var listen = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var change = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "")) {
            listen.createStatement().execute("LISTEN berth_credentials");
            var pg = listen.unwrap(org.postgresql.PGConnection.class);
            record Case(String sql, boolean notifies) {}
            var cases = List.of(
                    new Case("UPDATE api_tokens SET last_used_at = now() WHERE user_id = CAST(? AS uuid)", false),
                    new Case("UPDATE api_tokens SET scopes = scopes WHERE user_id = CAST(? AS uuid)", true),
                    new Case("UPDATE api_tokens SET expires_at = expires_at WHERE user_id = CAST(? AS uuid)", true),
                    new Case("UPDATE sessions SET revoked_at = revoked_at WHERE user_id = CAST(? AS uuid)", true),
                    new Case("UPDATE memberships SET role = role WHERE user_id = CAST(? AS uuid)", true),
                    new Case("UPDATE users SET instance_admin = instance_admin WHERE id = CAST(? AS uuid)", true));
            int probe = 0;
            for (var c : cases) {
                pg.getNotifications(1); // drain
                try (var s = change.prepareStatement(c.sql())) {
                    s.setString(1, user.id());
                    s.executeUpdate();
                }
                // a marker sent after the change commits arrives after the change's own notification, if any
                var marker = "probe-" + (++probe);
                try (var s = change.prepareStatement("SELECT pg_notify('berth_credentials', ?)")) {
                    s.setString(1, marker);
                    s.execute();
                }
                var seen = new java.util.ArrayList<String>();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!seen.contains(marker) && System.nanoTime() < deadline) {
                    var got = pg.getNotifications(200);
                    if (got != null) for (var n : got) seen.add(n.getParameter());
                }
                assertThat(seen).as(c.sql()).contains(marker);
                assertThat(seen.size() > 1).as(c.sql() + " notified " + seen).isEqualTo(c.notifies());
            }
        }
    }
}
