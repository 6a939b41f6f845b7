package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.errors.PolicyViolationException;
import dev.berth.execution.Argv;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Berth host as a server: its local Docker socket, no SSH; only the instance admin may add it. */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class LocalServerTest extends BerthTestBase {
    private static final String CREATE_LOCAL = "mutation($n: String!, $s: String!) { createServer(input: {name: $n, local: true, dockerSocket: $s}) { server { id local host privateKey { id } } } }";

    @Inject
    ServerCommands commands;

    private static void makeInstanceAdmin(String userId) throws Exception {
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement("UPDATE users SET instance_admin = true WHERE id = CAST(? AS uuid)")) {
            s.setString(1, userId);
            s.executeUpdate();
        }
    }

    private TestUsers.TestUser instanceAdmin() throws Exception {
        var admin = TestUsers.signUp(server.getURI());
        makeInstanceAdmin(admin.id());
        // the change reaches the node's cached viewer through PostgreSQL's notification, asynchronously: wait for it
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!admin.http().data("{ me { instanceAdmin } }", Map.of()).path("me").path("instanceAdmin").asBoolean()) {
            assertThat(System.nanoTime()).as("the node sees the new instance admin").isLessThan(deadline);
            Thread.sleep(20);
        }
        return admin;
    }

    /**
     * On the Berth host the host network reaches Berth's own loopback services (its embedded PostgreSQL and Dragonfly):
     * only the instance admin puts the host's server or an application there, not another admin of the same team.
     */
    @Test
    void onlyTheInstanceAdminPutsAnythingOnTheBerthHostsOwnNetwork() throws Exception {
        var instanceAdmin = instanceAdmin();
        var local = instanceAdmin.http().data("mutation($n: String!) { createServer(input: {name: $n, local: true, networkMode: BRIDGE}) { server { id } } }",
                Map.of("n", "berth-host")).path("createServer").path("server").path("id").asText();
        var joiner = TestUsers.signUp(server.getURI());
        var invitation = instanceAdmin.http().data("mutation($e: String!) { inviteMember(input: {email: $e, role: ADMIN}) { token } }",
                Map.of("e", joiner.email())).path("inviteMember").path("token").asText();
        joiner.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", invitation));
        var teamAdmin = joiner.http().inTeam(instanceAdmin.teamId());

        // a managed proxy runs on the host network with an image the team chooses: never on the Berth host, for anyone
        for (var caller : List.of(teamAdmin, instanceAdmin.http())) {
            var proxy = caller.post("mutation($s: ID!) { installProxy(input: {serverId: $s}) { server { id } } }", Map.of("s", local));
            assertThat(proxy.firstErrorCode()).isEqualTo("POLICY_VIOLATION");
            assertThat(proxy.body()).contains("The Berth host runs no managed proxy");
        }
        var updateServer = "mutation($i: UpdateServerInput!) { updateServer(input: $i) { server { networkMode } } }";
        assertThat(teamAdmin.post(updateServer, Map.of("i", Map.of("id", local, "networkMode", "HOST"))).firstErrorCode()).isEqualTo("FORBIDDEN");
        assertThat(teamAdmin.post(updateServer, Map.of("i", Map.of("id", local, "name", "renamed"))).firstErrorCode())
                .as("other changes stay the team admin's").isNull();

        var environment = teamAdmin.data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("p"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        var create = "mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id networkMode } } }";
        var input = new java.util.HashMap<String, Object>(Map.of("environmentId", environment, "serverId", local, "name", "web",
                "source", Map.of("image", Map.of("image", "busybox")), "networkMode", "HOST"));
        var refused = teamAdmin.post(create, Map.of("i", input));
        assertThat(refused.firstErrorCode()).isEqualTo("FORBIDDEN");
        assertThat(refused.body()).contains("instance administrator");
        assertThat(instanceAdmin.http().data(create, Map.of("i", input)).path("createApplication").path("application").path("networkMode").asText())
                .isEqualTo("HOST");
        assertThat(instanceAdmin.http().data(updateServer, Map.of("i", Map.of("id", local, "networkMode", "HOST"))).path("updateServer")
                .path("server").path("networkMode").asText()).isEqualTo("HOST");
    }

    @Test
    void onlyTheInstanceAdminMayAddTheBerthHost() {
        TestUsers.signUp(server.getURI()); // the first account of a fresh instance is its admin: make sure it is not "someone"
        var someone = TestUsers.signUp(server.getURI());
        var result = someone.http().post(CREATE_LOCAL, Map.of("n", "host", "s", "/var/run/docker.sock"));
        assertThat(result.firstErrorCode()).isEqualTo("FORBIDDEN");
    }

    @Test
    void theBerthHostIsValidatedThroughItsLocalSocketAndRunsNoCommands() throws Exception {
        var docker = TestDocker.get();
        var admin = instanceAdmin();
        var created = admin.http().data(CREATE_LOCAL, Map.of("n", "berth-host", "s", docker.socket())).path("createServer").path("server");
        assertThat(created.path("local").asBoolean()).isTrue();
        assertThat(created.path("privateKey").isNull()).isTrue();
        var id = created.path("id").asText();

        var validationId = admin.http().data("mutation($id: ID!) { validateServer(input: {id: $id}) { validationId } }", Map.of("id", id))
                .path("validateServer").path("validationId").asText();
        try (var client = WsClient.connectAndInit(server.getURI(), admin.accessToken())) {
            client.send(Map.of("id", "v", "type", "subscribe", "payload", Map.of(
                    "query", "subscription($id: ID!) { serverValidation(id: $id) { step ok status } }", "variables", Map.of("id", validationId))));
            var docker1 = client.next(Duration.ofSeconds(30)).path("payload").path("data").path("serverValidation");
            assertThat(docker1.path("step").asText()).isEqualTo("docker");
            assertThat(docker1.path("ok").asBoolean()).isTrue();
            var network = client.next(Duration.ofSeconds(30)).path("payload").path("data").path("serverValidation");
            assertThat(network.path("step").asText()).isEqualTo("network"); // passes or not by the daemon's bridge; the status stands
            var result = client.next(Duration.ofSeconds(30)).path("payload").path("data").path("serverValidation");
            assertThat(result.path("status").asText()).isEqualTo("REACHABLE");
        }

        var viewer = ManagedServers.ownerViewer(admin);
        commands.docker(viewer, UUID.fromString(id)).pingCmd().exec();
        assertThatThrownBy(() -> commands.run(viewer, UUID.fromString(id), Argv.of("true"))).isInstanceOf(PolicyViolationException.class);
    }
}
