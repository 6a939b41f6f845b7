package dev.berth.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import graphql.schema.GraphQLSchema;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every mutation leaves an audit event, in the same transaction, without secret values; the log is searchable
 * and only OWNER and ADMIN read it.
 */
@dev.berth.testing.RealDaemons
@MicronautTest
class AuditLogTest extends BerthTestBase {
    @Inject
    dev.berth.server.ServerCommands commands;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false");
    }

    private static final String PASSWORD_2 = "another long passphrase 2";

    @Inject
    GraphQLSchema schema;

    private TestUsers.TestUser owner;
    private final List<String> secrets = new ArrayList<>();
    private final List<String> actors = new ArrayList<>();

    /** Runs every mutation of the schema once, successfully. */
    @BeforeAll
    void everyMutationOnce() {
        owner = TestUsers.signUp(server.getURI());
        secrets.add(TestUsers.PASSWORD);
        secrets.add(owner.refreshToken());
        var h = owner.http();
        var login = anonymous().data("mutation($i: LoginInput!) { login(input: $i) { refreshToken } }",
                Map.of("i", Map.of("email", owner.email(), "password", TestUsers.PASSWORD))).path("login").path("refreshToken").asText();
        anonymous().data("mutation($t: String!) { refreshSession(input: {refreshToken: $t}) { accessToken } }", Map.of("t", login));
        secrets.add(login);
        var project = h.data("mutation { createProject(input: {name: \"audited-shop\", metadata: {owner: \"payments\"}}) { project { id } } }", Map.of())
                .path("createProject").path("project").path("id").asText();
        h.data("mutation($id: ID!) { updateProject(input: {id: $id, description: \"kept\"}) { project { id } } }", Map.of("id", project));
        var env = h.data("mutation($id: ID!) { createEnvironment(input: {projectId: $id, name: \"staging\"}) { environment { id } } }",
                Map.of("id", project)).path("createEnvironment").path("environment").path("id").asText();
        h.data("mutation($id: ID!) { renameEnvironment(input: {id: $id, name: \"qa\"}) { environment { id } } }", Map.of("id", env));
        h.data("mutation($id: ID!) { deleteEnvironment(input: {id: $id}) { deletedEnvironmentId } }", Map.of("id", env));
        var token = h.data("mutation { createApiToken(input: {name: \"ci\", scopes: [\"read\"]}) { token apiToken { id } } }", Map.of())
                .path("createApiToken");
        secrets.add(token.path("token").asText());
        h.data("mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id } } }", Map.of("id", token.path("apiToken").path("id").asText()));
        var invitee = TestUsers.signUp(server.getURI());
        actors.add(invitee.id());
        var invite = h.data("mutation($e: String!) { inviteMember(input: {email: $e, role: MEMBER}) { token } }", Map.of("e", invitee.email()))
                .path("inviteMember").path("token").asText();
        secrets.add(invite);
        invitee.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", invite));
        h.data("mutation($u: ID!) { changeMemberRole(input: {userId: $u, role: VIEWER}) { member { role } } }", Map.of("u", invitee.id()));
        h.data("mutation($u: ID!) { removeMember(input: {userId: $u}) { removedUserId } }", Map.of("u", invitee.id()));
        var team = h.data("mutation { createTeam(input: {name: \"Second\"}) { team { id } } }", Map.of()).path("createTeam").path("team").path("id").asText();
        var second = TestUsers.signUp(server.getURI());
        actors.add(second.id());
        var ownerInvite = owner.http().inTeam(team).data("mutation($e: String!) { inviteMember(input: {email: $e, role: OWNER}) { token } }",
                Map.of("e", second.email())).path("inviteMember").path("token").asText();
        second.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", ownerInvite));
        h.data("mutation($t: ID!) { leaveTeam(input: {teamId: $t}) { teamId } }", Map.of("t", team));
        h.data("mutation($id: ID!) { deleteProject(input: {id: $id}) { deletedProjectId } }", Map.of("id", project));
        var pem = dev.berth.testing.SshKeys.generate("ed25519").pem();
        secrets.add(pem.lines().skip(1).findFirst().orElseThrow());
        var imported = h.data("mutation($p: String!) { importPrivateKey(input: {name: \"imported\", pem: $p}) { privateKey { id } } }", Map.of("p", pem))
                .path("importPrivateKey").path("privateKey").path("id").asText();
        var generated = h.data("mutation { generatePrivateKey(input: {name: \"generated\"}) { privateKey { id } } }", Map.of())
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        var serverId = h.data("mutation($k: ID!) { createServer(input: {name: \"box\", host: \"127.0.0.1\", privateKeyId: $k}) { server { id } } }",
                Map.of("k", imported)).path("createServer").path("server").path("id").asText();
        h.data("mutation($id: ID!, $k: ID!) { updateServer(input: {id: $id, privateKeyId: $k}) { server { id } } }", Map.of("id", serverId, "k", generated));
        h.data("mutation($id: ID!) { trustServerHostKey(input: {id: $id, fingerprint: \"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\"}) { server { id } } }",
                Map.of("id", serverId));
        h.data("mutation($id: ID!) { validateServer(input: {id: $id}) { validationId } }", Map.of("id", serverId));
        applicationMutations(h, generated);
        var registryPassword = "registry-secret-" + java.util.UUID.randomUUID();
        secrets.add(registryPassword);
        var registry = h.data("mutation($p: String!) { createRegistry(input: {url: \"registry.example.test:5000\", username: \"ci\", password: $p}) { registry { id } } }",
                Map.of("p", registryPassword)).path("createRegistry").path("registry").path("id").asText();
        h.data("mutation($id: ID!) { deleteRegistry(input: {id: $id}) { deletedRegistryId } }", Map.of("id", registry));
        h.data("mutation($id: ID!) { deleteServer(input: {id: $id}) { deletedServerId } }", Map.of("id", serverId));
        h.data("mutation($id: ID!) { deletePrivateKey(input: {id: $id}) { deletedPrivateKeyId } }", Map.of("id", imported));
        h.data("mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { id } } }",
                Map.of("i", Map.of("currentPassword", TestUsers.PASSWORD, "newPassword", PASSWORD_2)));
        secrets.add(PASSWORD_2);
        h.data("mutation { logout { clientMutationId } }", Map.of());
        owner = new TestUsers.TestUser(owner.id(), owner.email(), owner.teamId(), null, null, anonymous().as(
                anonymous().data("mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                        Map.of("i", Map.of("email", owner.email(), "password", PASSWORD_2))).path("login").path("accessToken").asText()));
    }

    /** Applications, variables and deployments (no job engine here: deployments wait, so cancel and rollback are certain). */
    private void applicationMutations(dev.berth.testing.GraphQLHttp h, String keyId) {
        var sshd = dev.berth.testing.TestSshd.get();
        var host = dev.berth.testing.ManagedServers.server(h, sshd, dev.berth.testing.ManagedServers.authorizedKey(h, sshd, "apphost"),
                sshd.port(), dev.berth.testing.TestDocker.get().socket()).toString();
        var environment = h.data("mutation { createProject(input: {name: \"audited-apps\"}) { project { environments { id } } } }", Map.of())
                .path("createProject").path("project").path("environments").get(0).path("id").asText();
        var app = h.data("mutation($e: ID!, $s: ID!) { createApplication(input: {environmentId: $e, serverId: $s, name: \"web\", source: {image: {image: \"busybox\"}}, stopGracePeriodSeconds: 1}) { application { id } } }",
                Map.of("e", environment, "s", host)).path("createApplication").path("application").path("id").asText();
        h.data("mutation($id: ID!) { updateApplication(input: {id: $id, memoryLimitMiB: 64}) { application { id } } }", Map.of("id", app));
        var secretValue = "env-secret-" + java.util.UUID.randomUUID();
        secrets.add(secretValue);
        h.data("mutation($id: ID!, $v: String!) { setEnvironmentVariables(input: {scope: {applicationId: $id}, variables: [{key: \"TOKEN\", value: $v, secret: true}]}) { variables { key } } }",
                Map.of("id", app, "v", secretValue));
        var upsertedSecret = "upserted-secret-" + java.util.UUID.randomUUID();
        secrets.add(upsertedSecret);
        h.data("mutation($id: ID!, $v: String!) { upsertEnvironmentVariables(input: {scope: {applicationId: $id}, variables: [{key: \"EXTRA\", value: $v, secret: true}]}) { variables { key } } }",
                Map.of("id", app, "v", upsertedSecret));
        h.data("mutation($id: ID!) { deleteEnvironmentVariables(input: {scope: {applicationId: $id}, keys: [\"EXTRA\"]}) { deletedKeys } }",
                Map.of("id", app));
        var first = h.data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app))
                .path("deployApplication").path("deployment").path("id").asText();
        h.data("mutation($id: ID!) { cancelDeployment(input: {id: $id}) { deployment { status } } }", Map.of("id", first));
        markSucceeded(first);
        // what that deployment would have left on the server: its container, found by label
        var docker = commands.docker(dev.berth.testing.ManagedServers.ownerViewer(owner), java.util.UUID.fromString(host));
        var container = docker.createContainerCmd(dev.berth.testing.TestDocker.IMAGE).withCmd("/bin/sleep", "600")
                .withLabels(Map.of("berth.app", app, "berth.deployment", first))
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("host")).exec().getId();
        docker.startContainerCmd(container).exec();
        h.data("mutation($id: ID!) { stopApplication(input: {id: $id}) { application { status } } }", Map.of("id", app));
        h.data("mutation($id: ID!) { startApplication(input: {id: $id}) { application { status } } }", Map.of("id", app));
        h.data("mutation($id: ID!) { restartApplication(input: {id: $id}) { application { status } } }", Map.of("id", app));
        var queued = h.data("mutation($id: ID!) { rollbackApplication(input: {deploymentId: $id}) { deployment { id } } }", Map.of("id", first))
                .path("rollbackApplication").path("deployment").path("id").asText();
        h.data("mutation($id: ID!) { deleteApplication(input: {id: $id}) { deletedApplicationId } }", Map.of("id", app));
        var databasePassword = "database-secret-" + java.util.UUID.randomUUID();
        secrets.add(databasePassword);
        var database = h.data("mutation($e: ID!, $s: ID!, $p: String!) { createDatabase(input: {environmentId: $e, serverId: $s, name: \"audited\", engine: POSTGRESQL, image: \"berth-test/busybox:1\", password: $p}) { database { id } } }",
                Map.of("e", environment, "s", host, "p", databasePassword)).path("createDatabase").path("database").path("id").asText();
        h.data("mutation($id: ID!) { updateDatabase(input: {id: $id, memoryLimitMiB: 256}) { database { id } } }", Map.of("id", database));
        for (var field : List.of("stopDatabase", "startDatabase", "restartDatabase", "unexposeDatabase")) {
            h.data("mutation($id: ID!) { " + field + "(input: {id: $id}) { database { id } } }", Map.of("id", database));
        }
        h.data("mutation($id: ID!) { exposeDatabase(input: {id: $id, hostPort: 25432}) { database { id } } }", Map.of("id", database));
        h.data("mutation($id: ID!) { revealDatabaseCredentials(input: {id: $id}) { credentials { password } } }", Map.of("id", database));
        var linkedApp = h.data("mutation($e: ID!, $s: ID!) { createApplication(input: {environmentId: $e, serverId: $s, name: \"linked\", source: {image: {image: \"busybox\"}}}) { application { id } } }",
                Map.of("e", environment, "s", host)).path("createApplication").path("application").path("id").asText();
        h.data("mutation($a: ID!, $d: ID!) { linkDatabase(input: {applicationId: $a, databaseId: $d}) { databaseLink { key } } }", Map.of("a", linkedApp, "d", database));
        h.data("mutation($a: ID!) { unlinkDatabase(input: {applicationId: $a}) { unlinkedKey } }", Map.of("a", linkedApp));
        h.data("mutation($s: ID!) { installProxy(input: {serverId: $s, httpPort: 1, httpsPort: 2}) { server { id } } }", Map.of("s", host)); // no job engine here
        var domain = h.data("mutation($a: ID!) { addDomain(input: {applicationId: $a, host: \"audited.example.test\"}) { domain { id } } }", Map.of("a", linkedApp))
                .path("addDomain").path("domain").path("id").asText();
        var own = dev.berth.testing.TestCertificates.selfSigned("audited.example.test", 2);
        own.keyPem().lines().filter(l -> !l.startsWith("-----")).forEach(secrets::add); // the key is @sensitive: never recorded
        h.data("mutation($d: ID!, $c: String!, $k: String!) { setDomainCertificate(input: {domainId: $d, certificatePem: $c, privateKeyPem: $k}) { domain { id } } }",
                Map.of("d", domain, "c", own.certificatePem(), "k", own.keyPem()));
        h.data("mutation($d: ID!) { removeDomainCertificate(input: {domainId: $d}) { domain { id } } }", Map.of("d", domain));
        h.data("mutation($id: ID!) { removeDomain(input: {id: $id}) { removedDomainId } }", Map.of("id", domain));
        var bucketSecret = "bucket-secret-" + java.util.UUID.randomUUID();
        secrets.add(bucketSecret);
        var destination = h.data("mutation($s: String!) { createBackupDestination(input: {name: \"audited\", endpoint: \"http://127.0.0.1:9\", region: \"us-east-1\", bucket: \"backups\", accessKey: \"ak\", secretKey: $s}) { backupDestination { id } } }",
                Map.of("s", bucketSecret)).path("createBackupDestination").path("backupDestination").path("id").asText();
        h.data("mutation($id: ID!) { testBackupDestination(input: {id: $id}) { ok } }", Map.of("id", destination)); // nothing listens there
        var backup = h.data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                Map.of("d", database, "t", destination)).path("backupDatabase").path("backup").path("id").asText();
        sql("UPDATE backups SET status = 'SUCCEEDED' WHERE id = CAST(? AS uuid)", backup); // no job engine here
        h.data("mutation($b: ID!) { restoreBackup(input: {backupId: $b, confirmDatabaseName: \"audited\"}) { backup { id } } }", Map.of("b", backup));
        sql("UPDATE backups SET restore_status = 'SUCCEEDED' WHERE id = CAST(? AS uuid)", backup); // restored (one run of a backup at a time)
        h.data("mutation($b: ID!) { verifyBackup(input: {backupId: $b}) { backup { id } } }", Map.of("b", backup));
        // the one-time upload token is an answer, never recorded
        secrets.add(h.data("mutation($d: ID!, $t: ID!) { importBackup(input: {databaseId: $d, destinationId: $t, sizeBytes: 100}) { uploadToken } }",
                Map.of("d", database, "t", destination)).path("importBackup").path("uploadToken").asText());
        var schedule = h.data("mutation($d: ID!, $t: ID!) { createBackupSchedule(input: {databaseId: $d, destinationId: $t, cron: \"0 3 * * *\", retention: {count: 7}}) { backupSchedule { id } } }",
                Map.of("d", database, "t", destination)).path("createBackupSchedule").path("backupSchedule").path("id").asText();
        h.data("mutation($id: ID!) { deleteBackupSchedule(input: {id: $id}) { deletedBackupScheduleId } }", Map.of("id", schedule));
        h.data("mutation($id: ID!) { deleteBackupDestination(input: {id: $id}) { deletedBackupDestinationId } }", Map.of("id", destination));
        h.data("mutation($id: ID!) { deleteDatabase(input: {id: $id}) { deletedDatabaseId } }", Map.of("id", database));
        // cancelled at once when no node had picked it yet; told to stop (and CANCELLED within a second) when one had
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!java.util.Set.of("CANCELLED", "FAILED", "SUCCEEDED").contains(statusOf(queued)) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        deletedWithItsApplication = statusOf(queued);
    }

    /** The status of the deployment that was queued when its application was deleted. */
    private String deletedWithItsApplication;

    @Test
    void aDeletedApplicationsQueuedDeploymentIsCancelledWithIt() {
        assertThat(deletedWithItsApplication).isEqualTo("CANCELLED");
    }

    private static String statusOf(String deploymentId) {
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement("SELECT status FROM deployments WHERE id = CAST(? AS uuid)")) {
            s.setString(1, deploymentId);
            var rows = s.executeQuery();
            return rows.next() ? rows.getString(1) : null;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a run that succeeded leaves behind, written past row-level security (no job engine runs here). */
    private static void sql(String statement, String id) {
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement(statement)) {
            s.setString(1, id);
            s.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void markSucceeded(String deploymentId) {
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement("UPDATE deployments SET status = 'SUCCEEDED', image = 'sha256:0123' WHERE id = CAST(? AS uuid)")) {
            s.setString(1, deploymentId);
            s.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the table as its owner, past row-level security, to see team-less rows too. */
    private List<Map<String, String>> rowsOf(String actorId) throws Exception {
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement("SELECT action, details::text AS details FROM audit_events WHERE actor_id = CAST(? AS uuid)")) {
            s.setString(1, actorId);
            var rows = s.executeQuery();
            var out = new ArrayList<Map<String, String>>();
            while (rows.next()) out.add(Map.of("action", rows.getString(1), "details", rows.getString(2)));
            return out;
        }
    }

    @Test
    void everyMutationOfTheSchemaWroteAnAuditEvent() throws Exception {
        Set<String> mutations = new HashSet<>();
        schema.getMutationType().getFieldDefinitions().forEach(f -> mutations.add(f.getName()));
        Set<String> audited = new HashSet<>();
        rowsOf(owner.id()).forEach(r -> audited.add(r.get("action")));
        for (var actor : actors) rowsOf(actor).forEach(r -> audited.add(r.get("action")));
        assertThat(audited).containsAll(mutations);
    }

    @Test
    void everyMutationRecordsTheSubjectItDeclares() throws Exception {
        var subjects = new java.util.HashMap<String, List<String>>(); // action -> [resource_type, resource_id]
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement("""
                     SELECT action, resource_type, resource_id FROM audit_events
                     WHERE refused_code IS NULL AND (actor_id = CAST(? AS uuid) OR actor_id = ANY (CAST(? AS uuid[])))""")) {
            s.setString(1, owner.id());
            s.setArray(2, c.createArrayOf("uuid", actors.toArray()));
            var rows = s.executeQuery();
            while (rows.next()) subjects.put(rows.getString(1), java.util.Arrays.asList(rows.getString(2), rows.getString(3)));
        }
        var wrong = new ArrayList<String>();
        for (var mutation : schema.getMutationType().getFieldDefinitions()) {
            var declared = mutation.getAppliedDirective("audited");
            var row = subjects.get(mutation.getName());
            if (declared == null || row == null) {
                wrong.add(mutation.getName() + ": " + (declared == null ? "no @audited" : "no row"));
                continue;
            }
            if (!declared.getArgument("resource").getValue().equals(row.get(0))) wrong.add(mutation.getName() + " type " + row.get(0));
            if (declared.getArgument("id") != null && declared.getArgument("id").getValue() != null && row.get(1) == null) wrong.add(mutation.getName() + " has no resource id");
        }
        assertThat(wrong).isEmpty();
        // the example the review found: changeMemberRole recorded no resource at all
        assertThat(subjects.get("changeMemberRole")).containsExactly("User", actors.getFirst());
    }

    @Test
    void noSecretValueIsInTheAuditLog() throws Exception {
        var rows = new ArrayList<>(rowsOf(owner.id()));
        for (var actor : actors) rows.addAll(rowsOf(actor));
        var all = rows.toString();
        for (var secret : secrets) assertThat(all).doesNotContain(secret);
        assertThat(all).contains("***");
    }

    @Test
    void ownersSearchTheirTeamsLogByFullText() {
        var found = owner.http().data("{ auditEvents(search: \"payments\", first: 10) { edges { node { action resourceType details } } } }", Map.of())
                .path("auditEvents").path("edges");
        assertThat(found).isNotEmpty();
        assertThat(found.get(0).path("node").path("action").asText()).isEqualTo("createProject");
        var filtered = owner.http().data("{ auditEvents(filter: {action: \"deleteProject\"}, first: 10) { edges { node { resourceType actorId } } } }", Map.of())
                .path("auditEvents").path("edges");
        assertThat(filtered).hasSize(1);
        assertThat(filtered.get(0).path("node").path("resourceType").asText()).isEqualTo("Project");
        assertThat(filtered.get(0).path("node").path("actorId").asText()).isEqualTo(owner.id());
        var none = owner.http().data("{ auditEvents(search: \"nonexistentword\", first: 10) { edges { cursor } } }", Map.of());
        assertThat(none.path("auditEvents").path("edges")).isEmpty();
    }

    @Test
    void ownersFollowTheLogLive() throws Exception {
        var live = TestUsers.signUp(server.getURI());
        try (var client = dev.berth.testing.WsClient.connectAndInit(server.getURI(), live.accessToken())) {
            client.subscribe("a", "subscription { auditEvents { action resourceType details } }");
            dev.berth.testing.RedisChannels.awaitSubscribed(live.teamId(), "audit");
            live.http().data("mutation { createProject(input: {name: \"followed\"}) { project { id } } }", Map.of());
            var next = client.next(java.time.Duration.ofSeconds(10));
            var event = next.path("payload").path("data").path("auditEvents");
            assertThat(event.path("action").asText()).isEqualTo("createProject");
            assertThat(event.path("resourceType").asText()).isEqualTo("Project");
            assertThat(event.path("details").path("name").asText()).isEqualTo("followed");
        }
    }

    @Test
    void anotherTeamSeesNoneOfIt() {
        var stranger = TestUsers.signUp(server.getURI());
        var seen = stranger.http().data("{ auditEvents(search: \"payments\", first: 10) { edges { cursor } } }", Map.of());
        assertThat(seen.path("auditEvents").path("edges")).isEmpty();
    }
}
