package dev.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.sql.DriverManager;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refused attempts leave a trace: a failed sign-in, a FORBIDDEN and a NOT_FOUND mutation each write an audit row
 * (who, what, code, address, no input) in a transaction of their own; a flood writes at most 30 a minute.
 */
@MicronautTest(transactional = false)
class RefusalAuditTest extends BerthTestBase {

    @BeforeEach
    void forgetRefusalsFromLoopback() {
        dev.berth.testing.RedisChannels.forget("berth:rl:audit-refusals:127.0.0.1", "berth:rl:login:ip:127.0.0.1");
    }

    @Test
    void refusedMutationsAreAuditedWithoutTheirInput() throws Exception {
        var owner = user();
        var viewer = TestUsers.signUp(server.getURI());
        var invite = owner.http().data("mutation($e: String!) { inviteMember(input: {email: $e, role: VIEWER}) { token } }",
                Map.of("e", viewer.email())).path("inviteMember").path("token").asText();
        viewer.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", invite));
        var asViewer = viewer.http().inTeam(owner.teamId());
        var secretName = "refused-" + UUID.randomUUID();
        assertThat(asViewer.post("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", secretName))
                .firstErrorCode()).isEqualTo("FORBIDDEN");
        assertThat(owner.http().post("mutation($id: ID!) { deleteProject(input: {id: $id}) { deletedProjectId } }",
                Map.of("id", UUID.randomUUID().toString())).firstErrorCode()).isEqualTo("NOT_FOUND");
        var wrongPassword = "wrong password " + UUID.randomUUID();
        assertThat(anonymous().post("mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                Map.of("i", Map.of("email", owner.email(), "password", wrongPassword))).firstErrorCode()).isEqualTo("UNAUTHENTICATED");

        var events = owner.http().data("{ auditEvents(first: 50) { edges { node { action actorId refusedCode details ip } } } }", Map.of())
                .path("auditEvents").path("edges");
        var refused = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        events.forEach(e -> { if (!e.path("node").path("refusedCode").isNull()) refused.add(e.path("node")); });
        assertThat(refused).anySatisfy(n -> {
            assertThat(n.path("action").asText()).isEqualTo("createProject");
            assertThat(n.path("refusedCode").asText()).isEqualTo("FORBIDDEN");
            assertThat(n.path("actorId").asText()).isEqualTo(viewer.id());
            assertThat(n.path("ip").asText()).isEqualTo("127.0.0.1");
        });
        assertThat(refused).anySatisfy(n -> {
            assertThat(n.path("action").asText()).isEqualTo("deleteProject");
            assertThat(n.path("refusedCode").asText()).isEqualTo("NOT_FOUND");
        });
        assertThat(events.toString()).doesNotContain(secretName);
        // a failed sign-in belongs to no team: it is in the table for operators, without the password
        assertThat(countRefused("login", "UNAUTHENTICATED")).isGreaterThanOrEqualTo(1);
        assertThat(tableText()).doesNotContain(wrongPassword);
    }

    @Test
    void aFloodOfRefusalsWritesAtMostThirtyRowsAMinute() throws Exception {
        var before = countRefused("deleteEnvironment", "NOT_FOUND");
        for (int i = 0; i < 45; i++) {
            assertThat(http().post("mutation($id: ID!) { deleteEnvironment(input: {id: $id}) { deletedEnvironmentId } }",
                    Map.of("id", UUID.randomUUID().toString())).firstErrorCode()).isEqualTo("NOT_FOUND");
        }
        assertThat(countRefused("deleteEnvironment", "NOT_FOUND") - before).isEqualTo(30);
    }

    private static long countRefused(String action, String code) throws Exception {
        try (var c = connection(); var s = c.prepareStatement("SELECT count(*) FROM audit_events WHERE action = ? AND refused_code = ?")) {
            s.setString(1, action);
            s.setString(2, code);
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static String tableText() throws Exception {
        try (var c = connection(); var rows = c.createStatement().executeQuery("SELECT coalesce(string_agg(details::text, ' '), '') FROM audit_events")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static java.sql.Connection connection() throws Exception {
        var props = TestServers.properties();
        return DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), props.get("berth.database.password"));
    }
}
