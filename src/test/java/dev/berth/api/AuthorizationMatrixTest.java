package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.RedisChannels;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import dev.berth.testing.WsClient;
import graphql.schema.GraphQLSchema;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every root field × {owner, admin, member, viewer, another team's owner, anonymous, read-only token, revoked
 * token, expired JWT} × {own-team id, other-team id, missing id}. The expected outcomes are reviewed data in
 * {@code src/test/resources/authorization-matrix.tsv}, never derived from the policy code under test: weakening a
 * rule turns cells red. A subscription succeeds only when its stream is seen in Dragonfly; else it must answer
 * with an explicit error.
 */
@MicronautTest
class AuthorizationMatrixTest extends BerthTestBase {
    /** No job engine: deployments stay QUEUED, so cancelling one answers the same every run. */
    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false");
    }

    @Inject
    GraphQLSchema schema;

    enum Target { NONE, OWN, OTHER, MISSING }

    /** One team's resources. */
    record Team(String teamId, String projectId, String environmentId, String spareMemberId, String tokenId, String keyId, String serverId,
                String applicationId, String deploymentId, String registryId, String databaseId, String destinationId, String backupId,
                String scheduleId, String domainId, String domainHost) {}

    /** A caller: its client, the viewer the policy sees, and whether its credentials are broken. */
    record Principal(String name, GraphQLHttp http, String bearer, Viewer viewer, boolean brokenCredentials, boolean inOtherTeam) {}

    /** Two teams and nine principals, made fresh where an operation changes state. */
    record World(Team mine, Team theirs, List<Principal> principals, TestUsers.TestUser mineOwner, TestUsers.TestUser theirOwner) {
        Team own(Principal p) { return p.inOtherTeam() ? theirs : mine; }
        Team other(Principal p) { return p.inOtherTeam() ? mine : theirs; }

        /** The same world with new resources in the principal's own team. */
        World withFresh(Principal p, AuthorizationMatrixTest test) {
            return p.inOtherTeam()
                    ? new World(mine, test.team(theirOwner), principals, mineOwner, theirOwner)
                    : new World(test.team(mineOwner), theirs, principals, mineOwner, theirOwner);
        }
    }

    interface Variables { Map<String, Object> of(Team team, String id); }

    /** A root field, how to call it, with which kinds of ids, and what success looks like. */
    record Op(String type, String field, String document, List<Target> targets, Variables variables, boolean mutates) {}

    private static final dev.berth.testing.SshKeys.KeyPair IMPORTABLE = dev.berth.testing.SshKeys.generate("ed25519");
    private static final List<Target> NO_ID = List.of(Target.NONE);
    /** Own last: a successful call may change the caller itself (leaveTeam). */
    private static final List<Target> IDS = List.of(Target.OTHER, Target.MISSING, Target.OWN);

    private static Map<String, Object> vars(Object... kv) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) map.put((String) kv[i], kv[i + 1]);
        return map;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<Op> operations() {
        var ops = new ArrayList<Op>();
        // Queries
        ops.add(new Op("Query", "me", "{ me { user { id } } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Query", "team", "{ team { id members { role } } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Query", "apiTokens", "{ apiTokens { id } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Query", "projects", "{ projects(first: 5) { edges { node { id } } } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Query", "project", "query($id: ID!) { project(id: $id) { id } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.projectId()), false));
        ops.add(new Op("Query", "environment", "query($id: ID!) { environment(id: $id) { id } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.environmentId()), false));
        ops.add(new Op("Query", "auditEvents", "{ auditEvents(first: 5) { edges { cursor } } }", NO_ID, (t, id) -> vars(), false));
        // Identity mutations
        ops.add(new Op("Mutation", "signUp", "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }", NO_ID,
                (t, id) -> vars("i", vars("email", unique("m") + "@example.test", "password", TestUsers.PASSWORD, "name", "M")), true));
        ops.add(new Op("Mutation", "login", "mutation($i: LoginInput!) { login(input: $i) { accessToken } }", NO_ID,
                (t, id) -> vars("i", vars("email", unique("nobody") + "@example.test", "password", "wrong")), false));
        ops.add(new Op("Mutation", "refreshSession", "mutation { refreshSession(input: {refreshToken: \"berth_rt_forged\"}) { accessToken } }",
                NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Mutation", "logout", "mutation { logout { clientMutationId } }", NO_ID, (t, id) -> vars(), true));
        ops.add(new Op("Mutation", "changePassword", "mutation { changePassword(input: {currentPassword: \"wrong\", newPassword: \"whatever is long\"}) { user { id } } }",
                NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Mutation", "createTeam", "mutation { createTeam(input: {name: \"Extra\"}) { team { id } } }", NO_ID, (t, id) -> vars(), true));
        ops.add(new Op("Mutation", "inviteMember", "mutation($e: String!) { inviteMember(input: {email: $e, role: MEMBER}) { token } }", NO_ID,
                (t, id) -> vars("e", unique("inv") + "@example.test"), true));
        ops.add(new Op("Mutation", "acceptInvitation", "mutation { acceptInvitation(input: {token: \"forged\"}) { role } }", NO_ID,
                (t, id) -> vars(), false));
        ops.add(new Op("Mutation", "changeMemberRole", "mutation($u: ID!) { changeMemberRole(input: {userId: $u, role: VIEWER}) { member { role } } }",
                IDS, (t, id) -> vars("u", id != null ? id : t.spareMemberId()), true));
        ops.add(new Op("Mutation", "removeMember", "mutation($u: ID!) { removeMember(input: {userId: $u}) { removedUserId } }",
                IDS, (t, id) -> vars("u", id != null ? id : t.spareMemberId()), true));
        ops.add(new Op("Mutation", "leaveTeam", "mutation($t: ID!) { leaveTeam(input: {teamId: $t}) { teamId } }", IDS,
                (t, id) -> vars("t", id != null ? id : t.teamId()), true));
        ops.add(new Op("Mutation", "createApiToken", "mutation { createApiToken(input: {name: \"m\", scopes: [\"read\"]}) { token } }", NO_ID,
                (t, id) -> vars(), true));
        ops.add(new Op("Mutation", "revokeApiToken", "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.tokenId()), true));
        // Projects and environments
        ops.add(new Op("Mutation", "createProject", "mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", NO_ID,
                (t, id) -> vars("n", unique("p")), true));
        ops.add(new Op("Mutation", "updateProject", "mutation($id: ID!) { updateProject(input: {id: $id, description: \"x\"}) { project { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.projectId()), true));
        ops.add(new Op("Mutation", "deleteProject", "mutation($id: ID!) { deleteProject(input: {id: $id}) { deletedProjectId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.projectId()), true));
        ops.add(new Op("Mutation", "createEnvironment", "mutation($id: ID!, $n: String!) { createEnvironment(input: {projectId: $id, name: $n}) { environment { id } } }",
                IDS, (t, id) -> vars("id", id != null ? id : t.projectId(), "n", unique("e")), true));
        ops.add(new Op("Mutation", "renameEnvironment", "mutation($id: ID!, $n: String!) { renameEnvironment(input: {id: $id, name: $n}) { environment { id } } }",
                IDS, (t, id) -> vars("id", id != null ? id : t.environmentId(), "n", unique("r")), true));
        ops.add(new Op("Mutation", "deleteEnvironment", "mutation($id: ID!) { deleteEnvironment(input: {id: $id}) { deletedEnvironmentId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.environmentId()), true));
        // Servers and keys
        ops.add(new Op("Query", "privateKeys", "{ privateKeys { id } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Query", "servers", "{ servers { id } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Query", "server", "query($id: ID!) { server(id: $id) { id privateKey { fingerprint } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.serverId()), false));
        ops.add(new Op("Mutation", "generatePrivateKey", "mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", NO_ID,
                (t, id) -> vars("n", unique("k")), true));
        ops.add(new Op("Mutation", "importPrivateKey", "mutation($n: String!, $p: String!) { importPrivateKey(input: {name: $n, pem: $p}) { privateKey { id } } }",
                NO_ID, (t, id) -> vars("n", unique("i"), "p", IMPORTABLE.pem()), true));
        ops.add(new Op("Mutation", "deletePrivateKey", "mutation($id: ID!) { deletePrivateKey(input: {id: $id}) { deletedPrivateKeyId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.keyId()), true));
        ops.add(new Op("Mutation", "createServer", "mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", privateKeyId: $k}) { server { id } } }",
                IDS, (t, id) -> vars("k", id != null ? id : t.keyId(), "n", unique("s")), true));
        ops.add(new Op("Mutation", "updateServer", "mutation($id: ID!) { updateServer(input: {id: $id, port: 2222}) { server { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.serverId()), true));
        ops.add(new Op("Mutation", "trustServerHostKey", "mutation($id: ID!) { trustServerHostKey(input: {id: $id, fingerprint: \"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\"}) { server { id } } }",
                IDS, (t, id) -> vars("id", id != null ? id : t.serverId()), true));
        ops.add(new Op("Mutation", "deleteServer", "mutation($id: ID!) { deleteServer(input: {id: $id}) { deletedServerId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.serverId()), true));
        ops.add(new Op("Mutation", "validateServer", "mutation($id: ID!) { validateServer(input: {id: $id}) { validationId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.serverId()), false));
        // Applications, variables and deployments
        ops.add(new Op("Query", "application", "query($id: ID!) { application(id: $id) { id } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId()), false));
        ops.add(new Op("Query", "environmentVariables", "query($id: ID!) { environmentVariables(scope: {applicationId: $id}) { key } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId()), false));
        ops.add(new Op("Query", "deployment", "query($id: ID!) { deployment(id: $id) { id } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.deploymentId()), false));
        ops.add(new Op("Query", "planDeployment", "query($id: ID!) { planDeployment(applicationId: $id) { steps } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId()), false));
        ops.add(new Op("Mutation", "createApplication", "mutation($e: ID!, $s: ID!, $n: String!) { createApplication(input: {environmentId: $e, serverId: $s, name: $n, source: {image: {image: \"busybox\"}}}) { application { id } } }",
                IDS, (t, id) -> vars("e", id != null ? id : t.environmentId(), "s", t.serverId(), "n", unique("a")), true));
        ops.add(new Op("Mutation", "updateApplication", "mutation($id: ID!) { updateApplication(input: {id: $id, cpuLimit: 1}) { application { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId()), true));
        ops.add(new Op("Mutation", "deleteApplication", "mutation($id: ID!) { deleteApplication(input: {id: $id}) { deletedApplicationId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId()), true));
        ops.add(new Op("Mutation", "setEnvironmentVariables", "mutation($id: ID!) { setEnvironmentVariables(input: {scope: {applicationId: $id}, variables: [{key: \"K\", value: \"v\"}]}) { variables { key } } }",
                IDS, (t, id) -> vars("id", id != null ? id : t.applicationId()), true));
        ops.add(new Op("Mutation", "upsertEnvironmentVariables", "mutation($id: ID!) { upsertEnvironmentVariables(input: {scope: {applicationId: $id}, variables: [{key: \"K\", value: \"v\"}]}) { variables { key } } }",
                IDS, (t, id) -> vars("id", id != null ? id : t.applicationId()), true));
        ops.add(new Op("Mutation", "deleteEnvironmentVariables", "mutation($id: ID!) { deleteEnvironmentVariables(input: {scope: {applicationId: $id}, keys: [\"K\"]}) { deletedKeys } }",
                IDS, (t, id) -> vars("id", id != null ? id : t.applicationId()), true));
        ops.add(new Op("Mutation", "deployApplication", "mutation($id: ID!) { deployApplication(input: {applicationId: $id}) { deployment { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId()), true));
        ops.add(new Op("Mutation", "cancelDeployment", "mutation($id: ID!) { cancelDeployment(input: {id: $id}) { deployment { status } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.deploymentId()), true));
        // the own deployment never ran (no job engine here): rolling back to it is a CONFLICT, past the policy
        ops.add(new Op("Mutation", "rollbackApplication", "mutation($id: ID!) { rollbackApplication(input: {deploymentId: $id}) { deployment { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.deploymentId()), true));
        // the own application never ran (no job engine here): starting it is a CONFLICT, past the policy
        for (var field : List.of("startApplication", "stopApplication", "restartApplication")) {
            ops.add(new Op("Mutation", field, "mutation($id: ID!) { " + field + "(input: {id: $id}) { application { status } } }", IDS,
                    (t, id) -> vars("id", id != null ? id : t.applicationId()), true));
        }
        ops.add(new Op("Query", "registries", "{ registries { id url } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Mutation", "createRegistry", "mutation($u: String!) { createRegistry(input: {url: \"registry.example.test\", username: $u, password: \"pw\"}) { registry { id } } }",
                NO_ID, (t, id) -> vars("u", unique("u")), true));
        ops.add(new Op("Mutation", "deleteRegistry", "mutation($id: ID!) { deleteRegistry(input: {id: $id}) { deletedRegistryId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.registryId()), true));
        // Subscriptions (over graphql-ws)
        ops.add(new Op("Subscription", "applicationEvents", "subscription { applicationEvents { kind } }", NO_ID, (t, id) -> vars(), false));
        // Databases
        ops.add(new Op("Query", "database", "query($id: ID!) { database(id: $id) { id internalUrl } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.databaseId()), false));
        ops.add(new Op("Mutation", "createDatabase", "mutation($e: ID!, $s: ID!, $n: String!) { createDatabase(input: {environmentId: $e, serverId: $s, name: $n, engine: REDIS}) { database { id } } }",
                IDS, (t, id) -> vars("e", id != null ? id : t.environmentId(), "s", t.serverId(), "n", unique("d")), true));
        ops.add(new Op("Mutation", "updateDatabase", "mutation($id: ID!) { updateDatabase(input: {id: $id, cpuLimit: 1}) { database { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.databaseId()), true));
        ops.add(new Op("Mutation", "deleteDatabase", "mutation($id: ID!) { deleteDatabase(input: {id: $id}) { deletedDatabaseId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.databaseId()), true));
        for (var field : List.of("startDatabase", "stopDatabase", "restartDatabase", "unexposeDatabase")) {
            ops.add(new Op("Mutation", field, "mutation($id: ID!) { " + field + "(input: {id: $id}) { database { status } } }", IDS,
                    (t, id) -> vars("id", id != null ? id : t.databaseId()), true));
        }
        ops.add(new Op("Mutation", "linkDatabase", "mutation($id: ID!, $d: ID!) { linkDatabase(input: {applicationId: $id, databaseId: $d, key: \"MATRIX_URL\"}) { databaseLink { key } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId(), "d", t.databaseId()), true));
        // the own application has no link under that key: NOT_FOUND, past the policy (a viewer is FORBIDDEN before it)
        ops.add(new Op("Mutation", "unlinkDatabase", "mutation($id: ID!) { unlinkDatabase(input: {applicationId: $id, key: \"MATRIX_URL\"}) { unlinkedKey } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId()), true));
        ops.add(new Op("Mutation", "exposeDatabase", "mutation($id: ID!, $p: Int!) { exposeDatabase(input: {id: $id, hostPort: $p}) { database { publicPort } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.databaseId(), "p", 20000 + (int) (Math.random() * 20000)), true));
        ops.add(new Op("Mutation", "revealDatabaseCredentials", "mutation($id: ID!) { revealDatabaseCredentials(input: {id: $id}) { credentials { password } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.databaseId()), false));
        ops.add(new Op("Subscription", "databaseEvents", "subscription { databaseEvents { kind } }", NO_ID, (t, id) -> vars(), false));
        // Proxies and domains (no job engine here: the proxy stays INSTALLING, nothing reaches a server)
        ops.add(new Op("Subscription", "domainEvents", "subscription { domainEvents { host certificateStatus } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Mutation", "installProxy", "mutation($id: ID!) { installProxy(input: {serverId: $id, httpPort: 1, httpsPort: 2}) { server { proxy { status } } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.serverId()), true));
        ops.add(new Op("Mutation", "addDomain", "mutation($id: ID!, $h: String!) { addDomain(input: {applicationId: $id, host: $h}) { domain { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.applicationId(), "h", unique("h") + ".matrix.test"), true));
        // a certificate for the target team's own domain (one naming only its host): whoever may set it gets OK
        ops.add(new Op("Mutation", "setDomainCertificate", "mutation($id: ID!, $c: String!, $k: String!) { setDomainCertificate(input: {domainId: $id, certificatePem: $c, privateKeyPem: $k}) { domain { id } } }", IDS,
                (t, id) -> {
                    var own = dev.berth.testing.TestCertificates.selfSigned(t.domainHost(), 30);
                    return vars("id", id != null ? id : t.domainId(), "c", own.certificatePem(), "k", own.keyPem());
                }, true));
        ops.add(new Op("Mutation", "removeDomainCertificate", "mutation($id: ID!) { removeDomainCertificate(input: {domainId: $id}) { domain { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.domainId()), true));
        ops.add(new Op("Mutation", "removeDomain", "mutation($id: ID!) { removeDomain(input: {id: $id}) { removedDomainId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.domainId()), true));
        // Backups
        ops.add(new Op("Query", "backupDestinations", "{ backupDestinations { id accessKey } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Query", "backup", "query($id: ID!) { backup(id: $id) { id status } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.backupId()), false));
        ops.add(new Op("Mutation", "createBackupDestination", "mutation($n: String!) { createBackupDestination(input: {name: $n, endpoint: \"http://127.0.0.1:9\", region: \"us-east-1\", bucket: \"backups\", accessKey: \"a\", secretKey: \"s\"}) { backupDestination { id } } }",
                NO_ID, (t, id) -> vars("n", unique("b")), true));
        ops.add(new Op("Mutation", "deleteBackupDestination", "mutation($id: ID!) { deleteBackupDestination(input: {id: $id}) { deletedBackupDestinationId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.destinationId()), true));
        ops.add(new Op("Mutation", "testBackupDestination", "mutation($id: ID!) { testBackupDestination(input: {id: $id}) { ok } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.destinationId()), false));
        ops.add(new Op("Mutation", "backupDatabase", "mutation($id: ID!, $t: ID!) { backupDatabase(input: {databaseId: $id, destinationId: $t}) { backup { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.databaseId(), "t", t.destinationId()), true));
        ops.add(new Op("Mutation", "createBackupSchedule", "mutation($id: ID!, $t: ID!) { createBackupSchedule(input: {databaseId: $id, destinationId: $t, cron: \"0 3 * * *\"}) { backupSchedule { id nextRunAt } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.databaseId(), "t", t.destinationId()), true));
        ops.add(new Op("Mutation", "deleteBackupSchedule", "mutation($id: ID!) { deleteBackupSchedule(input: {id: $id}) { deletedBackupScheduleId } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.scheduleId()), true));
        // the own backup is QUEUED (no job engine): verifying it is a CONFLICT, past the policy
        ops.add(new Op("Mutation", "verifyBackup", "mutation($id: ID!) { verifyBackup(input: {backupId: $id}) { backup { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.backupId()), true));
        // the own backup is QUEUED (no job engine) and the name is wrong: BAD_USER_INPUT, past the policy
        ops.add(new Op("Mutation", "restoreBackup", "mutation($id: ID!) { restoreBackup(input: {backupId: $id, confirmDatabaseName: \"x\"}) { backup { id } } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.backupId()), true));
        ops.add(new Op("Mutation", "importBackup", "mutation($id: ID!, $t: ID!) { importBackup(input: {databaseId: $id, destinationId: $t, sizeBytes: 10}) { backup { id } uploadPath } }", IDS,
                (t, id) -> vars("id", id != null ? id : t.databaseId(), "t", t.destinationId()), true));
        ops.add(new Op("Subscription", "deploymentLogs", "subscription($id: ID!) { deploymentLogs(deploymentId: $id) { seq } }", NO_ID,
                (t, id) -> vars("id", UUID.randomUUID().toString()), false));
        ops.add(new Op("Subscription", "backupLogs", "subscription($id: ID!) { backupLogs(backupId: $id) { seq } }", NO_ID,
                (t, id) -> vars("id", UUID.randomUUID().toString()), false));
        ops.add(new Op("Subscription", "applicationLogs", "subscription($id: ID!) { applicationLogs(applicationId: $id) { text } }", NO_ID,
                (t, id) -> vars("id", UUID.randomUUID().toString()), false));
        ops.add(new Op("Subscription", "deploymentUpdated", "subscription($id: ID!) { deploymentUpdated(applicationId: $id) { id } }", NO_ID,
                (t, id) -> vars("id", UUID.randomUUID().toString()), false));
        ops.add(new Op("Subscription", "projectEvents", "subscription { projectEvents { kind } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Subscription", "serverEvents", "subscription { serverEvents { status } }", NO_ID, (t, id) -> vars(), false));
        ops.add(new Op("Subscription", "serverValidation", "subscription($id: ID!) { serverValidation(id: $id) { step } }", NO_ID,
                // no validation has this id in any team: every caller the policy lets through gets NOT_FOUND
                (t, id) -> vars("id", UUID.randomUUID().toString()), false));
        ops.add(new Op("Subscription", "auditEvents", "subscription { auditEvents { action } }", NO_ID, (t, id) -> vars(), false));
        return ops;
    }

    /** The reviewed expectations: {@code Type.field<TAB>principal<TAB>target<TAB>OK | CODE}, one line per cell. */
    private static final Path TABLE = Path.of("src/test/resources/authorization-matrix.tsv");

    private static Map<String, String> reviewedTable() {
        try {
            var table = new java.util.LinkedHashMap<String, String>();
            for (var line : Files.readAllLines(TABLE)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                var columns = line.split("\t");
                table.put(columns[0] + "\t" + columns[1] + "\t" + columns[2], columns[3]);
            }
            return table;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String actual(Op op, Principal principal, World world, Target target) {
        var team = switch (target) {
            case OWN, NONE -> world.own(principal);
            case OTHER -> world.other(principal);
            case MISSING -> world.own(principal);
        };
        var variables = op.variables().of(team, target == Target.MISSING ? UUID.randomUUID().toString() : null);
        if (op.type().equals("Subscription")) return viaSocket(op, principal, variables);
        var result = principal.http().post(op.document(), variables);
        return result.firstErrorCode() == null ? "OK" : result.firstErrorCode();
    }

    /** The team channel a subscription listens on once it really started, e.g. {@code projects}; null for none. */
    private static String channelKind(Op op) {
        return switch (op.field()) {
            case "projectEvents" -> "projects";
            case "serverEvents" -> "servers";
            case "auditEvents" -> "audit";
            case "applicationEvents" -> "applications";
            case "databaseEvents" -> "databases";
            case "domainEvents" -> "domains";
            default -> null;
        };
    }

    private String viaSocket(Op op, Principal principal, Map<String, Object> variables) {
        try (var client = WsClient.connect(server.getURI())) {
            var payload = new LinkedHashMap<String, Object>();
            if (principal.bearer() != null) payload.put("authorization", "Bearer " + principal.bearer());
            if (principal.viewer() != null && principal.viewer().teamId() != null) payload.put("team", principal.viewer().teamId().toString());
            client.send(Map.of("type", "connection_init", "payload", payload));
            var first = client.poll(Duration.ofSeconds(5));
            if (first == null) return client.isClosed() && client.awaitClose(Duration.ofSeconds(1)) == 4403 ? "UNAUTHENTICATED" : "NO_ACK";
            var team = principal.viewer() == null || principal.viewer().teamId() == null ? null : principal.viewer().teamId().toString();
            var kind = channelKind(op);
            if (team != null && kind != null) RedisChannels.awaitUnsubscribed(team, kind); // the previous cell's stream is gone
            client.send(Map.of("id", "s", "type", "subscribe", "payload", Map.of("query", op.document(), "variables", variables)));
            // success is explicit: the stream's channel appears in Dragonfly; failure is an explicit error message
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                var reply = client.poll(Duration.ofMillis(50));
                if (reply != null && reply.path("type").asText().equals("error")) {
                    return reply.path("payload").get(0).path("extensions").path("code").asText();
                }
                if (reply != null && !reply.path("payload").path("errors").isEmpty()) {
                    return reply.path("payload").path("errors").get(0).path("extensions").path("code").asText();
                }
                if (team != null && kind != null && RedisChannels.subscribers(team, kind) > 0) return "OK";
            }
            return "NO_ANSWER";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Run with {@code -Dberth.matrix.record=true} to write what the server answers into the table, then review
     * the diff: the table, not the policy code, is what this test holds the server to.
     */
    @Test
    void everyRootFieldAnswersEveryCallerAsTheReviewedTableSays() throws Exception {
        boolean record = Boolean.getBoolean("berth.matrix.record");
        var table = record ? Map.<String, String>of() : reviewedTable();
        var recorded = new ArrayList<String>();
        var ops = operations();
        Set<String> covered = new HashSet<>();
        ops.forEach(op -> covered.add(op.type() + "." + op.field()));
        Set<String> roots = new HashSet<>();
        for (var root : List.of(schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType())) {
            root.getFieldDefinitions().forEach(f -> roots.add(root.getName() + "." + f.getName()));
        }
        assertThat(covered).as("every root field is in the matrix").containsAll(roots);

        // the operations are independent (a changing one has a world of its own), so they run three at a time; the
        // subscriptions stay one after another, as each checks its team's channel in Dragonfly
        World shared = world();
        var subscriptions = ops.stream().filter(op -> op.type().equals("Subscription")).toList();
        var tasks = new ArrayList<java.util.concurrent.Callable<List<String[]>>>();
        ops.stream().filter(op -> !op.type().equals("Subscription")).forEach(op -> tasks.add(() -> cells(op, shared)));
        tasks.add(() -> {
            var all = new ArrayList<String[]>();
            for (var op : subscriptions) all.addAll(cells(op, shared));
            return all;
        });
        var mismatches = new ArrayList<String>();
        int cells = 0;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
            for (var future : pool.invokeAll(tasks)) {
                for (var answered : future.get()) {
                    var cell = answered[0];
                    var actual = answered[1];
                    recorded.add(cell + "\t" + actual);
                    cells++;
                    var expected = table.get(cell);
                    if (!record && !actual.equals(expected)) {
                        mismatches.add(cell.replace('\t', ' ') + ": expected " + (expected == null ? "(no reviewed row)" : expected) + " but got " + actual);
                    }
                }
            }
        }
        System.out.println("authorization matrix: " + cells + " cells");
        if (record) {
            Files.writeString(TABLE, "# Reviewed expectations of AuthorizationMatrixTest: root field, caller, target, outcome.\n"
                    + "# Regenerate with -Dberth.matrix.record=true only to add rows; review every changed line.\n"
                    + String.join("\n", recorded) + "\n");
        }
        assertThat(mismatches).isEmpty();
        assertThat(table.size()).as("rows of the table that no cell used: remove them").isEqualTo(record ? 0 : cells);
    }

    /** Every cell of one operation, in order: {cell, answer}. */
    private List<String[]> cells(Op op, World shared) {
        // a changing operation gets a world of its own, and a fresh target for an own-team call once an earlier
        // one changed the team's (a refused call changes nothing: its target serves the next caller)
        var world = op.mutates() ? world() : shared;
        boolean changed = false;
        var answers = new ArrayList<String[]>();
        for (var principal : world.principals()) {
            for (var target : op.targets()) {
                if (op.mutates() && target == Target.OWN && changed) {
                    world = world.withFresh(principal, this);
                    changed = false;
                }
                var actual = actual(op, principal, world, target);
                if (op.mutates() && target == Target.OWN && actual.equals("OK")) changed = true;
                answers.add(new String[] {op.type() + "." + op.field() + "\t" + principal.name() + "\t" + target, actual});
            }
        }
        return answers;
    }

    // ---- building a world ----

    private static final String INVITE = "mutation($e: String!, $r: Role!) { inviteMember(input: {email: $e, role: $r}) { token } }";
    private static final String ACCEPT = "mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }";

    private TestUsers.TestUser joined(TestUsers.TestUser owner, String role) {
        var user = TestUsers.signUp(server.getURI());
        var token = owner.http().data(INVITE, Map.of("e", user.email(), "r", role)).path("inviteMember").path("token").asText();
        user.http().data(ACCEPT, Map.of("t", token));
        return user;
    }

    private Team team(TestUsers.TestUser owner) {
        var project = owner.http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id environments { id } } } }",
                Map.of("n", unique("w"))).path("createProject").path("project");
        var spare = joined(owner, "MEMBER");
        var token = owner.http().data("mutation { createApiToken(input: {name: \"owner\", scopes: [\"read\"]}) { apiToken { id } } }", Map.of())
                .path("createApiToken").path("apiToken").path("id").asText();
        var key = owner.http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", Map.of("n", unique("k")))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        var server = owner.http().data("mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", privateKeyId: $k}) { server { id } } }",
                Map.of("k", key, "n", unique("s"))).path("createServer").path("server").path("id").asText();
        var environment = project.path("environments").get(0).path("id").asText();
        // the application gets a server of its own, so deleting the team's server stays possible
        var appServer = owner.http().data("mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", privateKeyId: $k}) { server { id } } }",
                Map.of("k", key, "n", unique("s"))).path("createServer").path("server").path("id").asText();
        var application = owner.http().data("mutation($e: ID!, $s: ID!, $n: String!) { createApplication(input: {environmentId: $e, serverId: $s, name: $n, source: {image: {image: \"busybox\"}}}) { application { id } } }",
                Map.of("e", environment, "s", appServer, "n", unique("a"))).path("createApplication").path("application").path("id").asText();
        var deployment = owner.http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", application))
                .path("deployApplication").path("deployment").path("id").asText();
        var registry = owner.http().data("mutation($u: String!) { createRegistry(input: {url: \"registry.example.test\", username: $u, password: \"pw\"}) { registry { id } } }",
                Map.of("u", unique("u"))).path("createRegistry").path("registry").path("id").asText();
        // the database is on the application's server too (no job engine here: it stays STARTING, no container is made)
        var database = owner.http().data("mutation($e: ID!, $s: ID!, $n: String!) { createDatabase(input: {environmentId: $e, serverId: $s, name: $n, engine: POSTGRESQL}) { database { id } } }",
                Map.of("e", environment, "s", appServer, "n", unique("d"))).path("createDatabase").path("database").path("id").asText();
        // a destination nothing listens at (no job engine here: the backup stays QUEUED; only its test connects, and is refused)
        var destination = owner.http().data("mutation($n: String!) { createBackupDestination(input: {name: $n, endpoint: \"http://127.0.0.1:9\", region: \"us-east-1\", bucket: \"backups\", accessKey: \"a\", secretKey: \"s\"}) { backupDestination { id } } }",
                Map.of("n", unique("b"))).path("createBackupDestination").path("backupDestination").path("id").asText();
        var backup = owner.http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                Map.of("d", database, "t", destination)).path("backupDatabase").path("backup").path("id").asText();
        var schedule = owner.http().data("mutation($d: ID!, $t: ID!) { createBackupSchedule(input: {databaseId: $d, destinationId: $t, cron: \"0 3 * * *\"}) { backupSchedule { id } } }",
                Map.of("d", database, "t", destination)).path("createBackupSchedule").path("backupSchedule").path("id").asText();
        var domainHost = unique("h") + ".matrix.test";
        var domain = owner.http().data("mutation($a: ID!, $h: String!) { addDomain(input: {applicationId: $a, host: $h}) { domain { id } } }",
                Map.of("a", application, "h", domainHost)).path("addDomain").path("domain").path("id").asText();
        return new Team(owner.teamId(), project.path("id").asText(), environment, spare.id(), token, key, server, application, deployment, registry, database,
                destination, backup, schedule, domain, domainHost);
    }

    private World world() {
        var owner = TestUsers.signUp(server.getURI());
        var mine = team(owner);
        var other = TestUsers.signUp(server.getURI());
        var theirs = team(other);
        var principals = new ArrayList<Principal>();
        UUID t = UUID.fromString(owner.teamId());
        principals.add(session("owner", owner, t, Role.OWNER, false));
        for (var role : List.of(Role.ADMIN, Role.MEMBER, Role.VIEWER)) {
            var member = joined(owner, role.name());
            principals.add(new Principal(role.name().toLowerCase(), member.http().inTeam(owner.teamId()), member.accessToken(),
                    viewer(member.id(), t, role, role.allowedScopes(), false), false, false));
        }
        principals.add(session("other team's owner", other, UUID.fromString(other.teamId()), Role.OWNER, true));
        principals.add(new Principal("anonymous", anonymous(), null, Viewer.anonymous(Viewer.Client.UNKNOWN), false, false));
        var readToken = owner.http().data("mutation { createApiToken(input: {name: \"ro\", scopes: [\"read\"]}) { token } }", Map.of())
                .path("createApiToken").path("token").asText();
        principals.add(new Principal("read-only token", anonymous().as(readToken), readToken,
                new Viewer(UUID.fromString(owner.id()), t, Role.OWNER, Set.of(Scope.READ), UUID.randomUUID(), null, null, false, null), false, false));
        var revoked = owner.http().data("mutation { createApiToken(input: {name: \"gone\", scopes: [\"read\"]}) { token apiToken { id } } }", Map.of())
                .path("createApiToken");
        owner.http().data("mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id } } }", Map.of("id", revoked.path("apiToken").path("id").asText()));
        principals.add(new Principal("revoked token", anonymous().as(revoked.path("token").asText()), revoked.path("token").asText(), null, true, false));
        var expired = expiredJwt(owner.accessToken());
        principals.add(new Principal("expired JWT", anonymous().as(expired), expired, null, true, false));
        return new World(mine, theirs, principals, owner, other);
    }

    private Principal session(String name, TestUsers.TestUser user, UUID team, Role role, boolean other) {
        return new Principal(name, user.http(), user.accessToken(), viewer(user.id(), team, role, role.allowedScopes(), true), false, other);
    }

    private static Viewer viewer(String userId, UUID team, Role role, Set<Scope> scopes, boolean session) {
        return new Viewer(UUID.fromString(userId), team, role, scopes, null, UUID.randomUUID(), null, false, null);
    }

    private static String expiredJwt(String real) {
        try {
            var claims = new JWTClaimsSet.Builder(SignedJWT.parse(real).getJWTClaimsSet())
                    .expirationTime(Date.from(Instant.now().minusSeconds(1))).build();
            var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(TestServers.JWT_SECRET.getBytes()));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
