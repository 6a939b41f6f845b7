package dev.berth.application;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Applications and their variables through GraphQL: validation at the edge, precedence, write-only secrets. */
@MicronautTest(transactional = false)
class ApplicationApiTest extends BerthTestBase {
    @jakarta.inject.Inject
    VariableRows variableRows;

    @jakarta.inject.Inject
    dev.berth.storage.TeamTransactions transactions;

    private Map<String, VariableRows.Row> stored(String applicationId) {
        var viewer = dev.berth.testing.ManagedServers.ownerViewer(user());
        var byKey = new java.util.HashMap<String, VariableRows.Row>();
        transactions.read(viewer, () -> variableRows.of(viewer.teamId(), List.of(java.util.UUID.fromString(applicationId))))
                .forEach(row -> byKey.put(row.key(), row));
        return byKey;
    }

    @Test
    void aHostPortAnotherApplicationOfTheServerHoldsIsRefusedWithItsField() {
        var first = input(uniqueName("holder"), Map.of("image", Map.of("image", "busybox")));
        first.put("ports", List.of(Map.of("containerPort", 80, "hostPort", 18181)));
        var holder = http().data(CREATE, Map.of("i", first)).path("createApplication").path("application").path("id").asText();

        var second = input(uniqueName("clash"), Map.of("image", Map.of("image", "busybox")));
        second.put("ports", List.of(Map.of("containerPort", 8080), Map.of("containerPort", 81, "hostPort", 18181)));
        var refused = http().post(CREATE, Map.of("i", second));
        assertThat(refused.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(refused.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.ports[1].hostPort");
        assertThat(refused.body()).contains("18181");

        second.put("ports", List.of(Map.of("containerPort", 81, "hostPort", 18182)));
        var other = http().data(CREATE, Map.of("i", second)).path("createApplication").path("application").path("id").asText();
        var update = "mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { id } } }";
        var moved = http().post(update, Map.of("i", Map.of("id", other, "ports", List.of(Map.of("containerPort", 81, "hostPort", 18181)))));
        assertThat(moved.firstErrorCode()).as("an update that takes the port").isEqualTo("CONFLICT");
        assertThat(http().post(update, Map.of("i", Map.of("id", holder, "cpuLimit", 1))).firstErrorCode())
                .as("the holder's own port is no clash with itself").isNull();

        http().data("mutation($id: ID!) { deleteApplication(input: {id: $id}) { deletedApplicationId } }", Map.of("id", holder));
        assertThat(http().post(update, Map.of("i", Map.of("id", other, "ports", List.of(Map.of("containerPort", 81, "hostPort", 18181)))))
                .firstErrorCode()).as("free once its holder is deleted").isNull();
    }

    private static final String UPDATE = "mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { id networkMode } } }";
    private static final String UPDATE_SERVER = "mutation($i: UpdateServerInput!) { updateServer(input: $i) { server { id networkMode } } }";

    private String bridgeServer() {
        world();
        var key = http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", Map.of("n", uniqueName("k")))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        return http().data("mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", privateKeyId: $k, networkMode: BRIDGE}) { server { id } } }",
                Map.of("k", key, "n", uniqueName("s"))).path("createServer").path("server").path("id").asText();
    }

    /** A server's network changing is refused when two applications following it would then hold one of its ports. */
    @Test
    void aServersNetworkChangeThatWouldMakeTwoApplicationsHoldOnePortIsRefused() {
        var onBridge = bridgeServer();
        var names = new java.util.ArrayList<String>();
        var ids = new java.util.ArrayList<String>();
        for (int i = 0; i < 2; i++) {
            var input = input(uniqueName("same"), Map.of("image", Map.of("image", "busybox")));
            input.put("serverId", onBridge);
            input.put("ports", List.of(Map.of("containerPort", 8000)));
            ids.add(http().data(CREATE, Map.of("i", input)).path("createApplication").path("application").path("id").asText());
            names.add(input.get("name").toString());
        }
        var refused = http().post(UPDATE_SERVER, Map.of("i", Map.of("id", onBridge, "networkMode", "HOST")));
        assertThat(refused.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(refused.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.networkMode");
        assertThat(refused.body()).contains(names.get(0)).contains(names.get(1)).contains("8000");
        assertThat(http().data("query($id: ID!) { server(id: $id) { networkMode } }", Map.of("id", onBridge)).path("server").path("networkMode").asText())
                .as("nothing changed").isEqualTo("BRIDGE");

        // one of them keeps the bridge by its own choice: the server may go to the host network
        http().data(UPDATE, Map.of("i", Map.of("id", ids.get(1), "networkMode", "BRIDGE")));
        assertThat(http().data(UPDATE_SERVER, Map.of("i", Map.of("id", onBridge, "networkMode", "HOST"))).path("updateServer").path("server")
                .path("networkMode").asText()).isEqualTo("HOST");

        // a published port other than the container port cannot follow the server to the host network
        var elsewhere = bridgeServer();
        var mapped = input(uniqueName("mapped"), Map.of("image", Map.of("image", "busybox")));
        mapped.put("serverId", elsewhere);
        mapped.put("ports", List.of(Map.of("containerPort", 80, "hostPort", 18099)));
        http().data(CREATE, Map.of("i", mapped));
        var mappedRefused = http().post(UPDATE_SERVER, Map.of("i", Map.of("id", elsewhere, "networkMode", "HOST")));
        assertThat(mappedRefused.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(mappedRefused.body()).contains(mapped.get("name").toString()).contains("18099");

        // null goes back to the configured default
        var input = new java.util.HashMap<String, Object>();
        input.put("id", onBridge);
        input.put("networkMode", null);
        http().data(UPDATE_SERVER, Map.of("i", input));
        assertThat(http().data("query($id: ID!) { servers { id } server(id: $id) { networkMode } }", Map.of("id", onBridge)).path("server")
                .path("networkMode").asText()).as("the configured default, not HOST any more").isEqualTo(
                "host".equals(server.getApplicationContext().getProperty("berth.deployments.network", String.class).orElse("bridge")) ? "HOST" : "BRIDGE");
    }

    /**
     * The host network puts a container beside whatever listens on the server's loopback: a member (or a token without
     * the admin scope) cannot choose it for an application, though it keeps what an admin chose when changing other things.
     */
    @Test
    void onlyATeamAdminPutsAnApplicationOnTheHostNetwork() {
        var owner = user();
        world();
        var joiner = dev.berth.testing.TestUsers.signUp(server.getURI());
        var invitation = http().data("mutation($e: String!) { inviteMember(input: {email: $e, role: MEMBER}) { token } }", Map.of("e", joiner.email()))
                .path("inviteMember").path("token").asText();
        joiner.http().data("mutation($t: String!) { acceptInvitation(input: {token: $t}) { role } }", Map.of("t", invitation));
        var member = joiner.http().inTeam(owner.teamId());

        var wanted = input(uniqueName("hostnet"), Map.of("image", Map.of("image", "busybox")));
        wanted.put("networkMode", "HOST");
        assertThat(member.post(CREATE, Map.of("i", wanted)).firstErrorCode()).isEqualTo("FORBIDDEN");
        wanted.remove("networkMode");
        var id = member.data(CREATE, Map.of("i", wanted)).path("createApplication").path("application").path("id").asText();
        assertThat(member.post(UPDATE, Map.of("i", Map.of("id", id, "networkMode", "HOST"))).firstErrorCode()).isEqualTo("FORBIDDEN");
        assertThat(member.post(UPDATE, Map.of("i", Map.of("id", id, "networkMode", "BRIDGE"))).firstErrorCode()).as("the bridge is anyone's").isNull();

        var withoutAdmin = http().data("mutation { createApiToken(input: {name: \"ci\", scopes: [\"read\", \"write\", \"deploy\"]}) { token } }", Map.of())
                .path("createApiToken").path("token").asText();
        assertThat(anonymous().as(withoutAdmin).post(UPDATE, Map.of("i", Map.of("id", id, "networkMode", "HOST"))).firstErrorCode())
                .as("the owner's token without the admin scope").isEqualTo("FORBIDDEN");

        assertThat(http().data(UPDATE, Map.of("i", Map.of("id", id, "networkMode", "HOST"))).path("updateApplication").path("application")
                .path("networkMode").asText()).as("the owner may").isEqualTo("HOST");
        assertThat(member.post(UPDATE, Map.of("i", Map.of("id", id, "cpuLimit", 1))).firstErrorCode())
                .as("a member changes other things of an application an admin put there").isNull();
    }

    @Test
    void oneVariableChangesOrGoesWithoutTouchingTheOthersAndASecretWithoutValueIsKept() {
        var id = http().data(CREATE, Map.of("i", input(uniqueName("upsert"), Map.of("image", Map.of("image", "busybox")))))
                .path("createApplication").path("application").path("id").asText();
        var set = "mutation($i: SetEnvironmentVariablesInput!) { setEnvironmentVariables(input: $i) { variables { key } } }";
        http().data(set, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(
                Map.of("key", "TOKEN", "value", "kept-secret", "secret", true), Map.of("key", "MODE", "value", "a"),
                Map.of("key", "GONE", "value", "x"), Map.of("key", "BUILD", "value", "b", "buildTime", true)))));
        var sealedBefore = stored(id).get("TOKEN").sealed();

        var upsert = "mutation($i: UpsertEnvironmentVariablesInput!) { upsertEnvironmentVariables(input: $i) { variables { key value secret buildTime } } }";
        var after = http().data(upsert, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(
                Map.of("key", "MODE", "value", "b"), Map.of("key", "NEW", "value", ""), Map.of("key", "BUILD", "value", "c")))))
                .path("upsertEnvironmentVariables").path("variables");
        var rows = stored(id);
        assertThat(rows.keySet()).containsExactlyInAnyOrder("TOKEN", "MODE", "GONE", "BUILD", "NEW");
        assertThat(rows.get("TOKEN").sealed()).as("the secret was not touched").isEqualTo(sealedBefore);
        assertThat(rows.get("MODE").value()).isEqualTo("b");
        assertThat(rows.get("NEW").value()).as("an empty string is a value").isEqualTo("");
        assertThat(rows.get("BUILD").buildTime()).as("omitted flags stay as they were").isTrue();
        assertThat(after.toString()).doesNotContain("kept-secret");

        // a secret given again without a value keeps it, flags omitted; with "" it becomes the empty secret
        http().data(upsert, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(Map.of("key", "TOKEN")))));
        assertThat(stored(id).get("TOKEN").sealed()).isEqualTo(sealedBefore);
        assertThat(stored(id).get("TOKEN").secret()).isTrue();
        var refused = http().post(upsert, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(Map.of("key", "MODE")))));
        assertThat(refused.firstErrorCode()).as("a plain variable without a value").isEqualTo("BAD_USER_INPUT");
        assertThat(refused.body()).contains("input.variables[0].value");
        var secretBuild = http().post(upsert, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(
                Map.of("key", "BUILD", "value", "x", "secret", true)))));
        assertThat(secretBuild.firstErrorCode()).as("a secret that would stay a build argument").isEqualTo("BAD_USER_INPUT");
        assertThat(stored(id).get("MODE").value()).as("nothing half-written").isEqualTo("b");

        var delete = "mutation($i: DeleteEnvironmentVariablesInput!) { deleteEnvironmentVariables(input: $i) { deletedKeys variables { key } } }";
        var deleted = http().data(delete, Map.of("i", Map.of("scope", Map.of("applicationId", id), "keys", List.of("GONE", "NEVER_THERE"))))
                .path("deleteEnvironmentVariables");
        assertThat(deleted.path("deletedKeys").toString()).isEqualTo("[\"GONE\"]");
        assertThat(stored(id).keySet()).containsExactlyInAnyOrder("TOKEN", "MODE", "BUILD", "NEW");
        assertThat(stored(id).get("TOKEN").sealed()).isEqualTo(sealedBefore);
        assertThat(http().post(delete, Map.of("i", Map.of("scope", Map.of("applicationId", id), "keys", List.of("bad key")))).firstErrorCode())
                .isEqualTo("BAD_USER_INPUT");
    }
    static final String CREATE = """
            mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application {
              id name status restartPolicy ports { containerPort hostPort } healthCheck { path port retries }
              labels volumes { name mountPath } command
              source { __typename ... on ImageSource { image } ... on GitSource { repository ref dockerfile context } } } } }""";

    private String environmentId;
    private String serverId;

    private void world() {
        if (environmentId != null) return;
        environmentId = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("apps"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        var key = http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", Map.of("n", uniqueName("k")))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        serverId = http().data("mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", privateKeyId: $k}) { server { id } } }",
                Map.of("k", key, "n", uniqueName("s"))).path("createServer").path("server").path("id").asText();
    }

    private Map<String, Object> input(String name, Map<String, Object> source) {
        world();
        var input = new LinkedHashMap<String, Object>();
        input.put("environmentId", environmentId);
        input.put("serverId", serverId);
        input.put("name", name);
        input.put("source", source);
        return input;
    }

    @Test
    void anImageApplicationIsCreatedChangedListedAndDeleted() {
        var input = input(uniqueName("web"), Map.of("image", Map.of("image", "registry.example.test:5000/team/web:1.2")));
        input.put("ports", List.of(Map.of("containerPort", 8080, "hostPort", 18080)));
        input.put("healthCheck", Map.of("path", "/health", "port", 8080));
        input.put("labels", Map.of("tier", "frontend"));
        input.put("volumes", List.of(Map.of("name", "data", "mountPath", "/var/lib/data")));
        input.put("command", List.of("serve", "--port", "8080"));
        var app = http().data(CREATE, Map.of("i", input)).path("createApplication").path("application");
        assertThat(app.path("status").asText()).isEqualTo("NOT_DEPLOYED");
        assertThat(app.path("restartPolicy").asText()).isEqualTo("UNLESS_STOPPED");
        assertThat(app.path("source").path("image").asText()).isEqualTo("registry.example.test:5000/team/web:1.2");
        assertThat(app.path("healthCheck").path("retries").asInt()).isEqualTo(5);
        assertThat(app.path("labels").path("tier").asText()).isEqualTo("frontend");
        assertThat(app.path("command").toString()).isEqualTo("[\"serve\",\"--port\",\"8080\"]");
        var id = app.path("id").asText();

        var again = http().post(CREATE, Map.of("i", input));
        assertThat(again.firstErrorCode()).isEqualTo("CONFLICT");

        var updated = http().data("mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { healthCheck { path } cpuLimit ports { containerPort } } } }",
                Map.of("i", Map.of("id", id, "removeHealthCheck", true, "cpuLimit", 0.5, "ports", List.of()))).path("updateApplication").path("application");
        assertThat(updated.path("healthCheck").isNull()).isTrue();
        assertThat(updated.path("cpuLimit").asDouble()).isEqualTo(0.5);
        assertThat(updated.path("ports")).isEmpty();

        var listed = http().data("query($e: ID!) { environment(id: $e) { applications(first: 10) { edges { node { id name } } } } }",
                Map.of("e", environmentId)).path("environment").path("applications").path("edges");
        assertThat(listed.toString()).contains(id);

        http().data("mutation($id: ID!) { deleteApplication(input: {id: $id}) { deletedApplicationId } }", Map.of("id", id));
        assertThat(http().post("query($id: ID!) { application(id: $id) { id } }", Map.of("id", id)).firstErrorCode()).isEqualTo("NOT_FOUND");
        // the name is free again at once
        assertThat(http().post(CREATE, Map.of("i", input)).firstErrorCode()).isNull();
    }

    @Test
    void stopSignalAndGracePeriodDefaultToDockersAndAreCheckedAtInput() {
        var input = input(uniqueName("stop"), Map.of("image", Map.of("image", "busybox")));
        var read = "query($id: ID!) { application(id: $id) { stopSignal stopGracePeriodSeconds } }";
        var id = http().data(CREATE, Map.of("i", input)).path("createApplication").path("application").path("id").asText();
        var defaults = http().data(read, Map.of("id", id)).path("application");
        assertThat(defaults.path("stopSignal").asText()).isEqualTo("SIGTERM");
        assertThat(defaults.path("stopGracePeriodSeconds").asInt()).isEqualTo(10);

        var update = "mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { stopSignal stopGracePeriodSeconds } } }";
        var changed = http().data(update, Map.of("i", Map.of("id", id, "stopSignal", "SIGQUIT", "stopGracePeriodSeconds", 0)))
                .path("updateApplication").path("application");
        assertThat(changed.path("stopSignal").asText()).isEqualTo("SIGQUIT");
        assertThat(changed.path("stopGracePeriodSeconds").asInt()).isZero();
        for (var bad : List.of(-1, 601)) {
            var refused = http().post(update, Map.of("i", Map.of("id", id, "stopGracePeriodSeconds", bad)));
            assertThat(refused.firstErrorCode()).as("grace " + bad).isEqualTo("BAD_USER_INPUT");
            assertThat(refused.body()).contains("input.stopGracePeriodSeconds");
        }
        assertThat(http().post(update, Map.of("i", Map.of("id", id, "stopSignal", "SIGSEGV"))).firstErrorCode())
                .as("a signal outside the enum").isEqualTo("BAD_USER_INPUT");
        var unchanged = http().data(read, Map.of("id", id)).path("application");
        assertThat(unchanged.path("stopSignal").asText()).isEqualTo("SIGQUIT");
        assertThat(unchanged.path("stopGracePeriodSeconds").asInt()).isZero();
    }

    @Test
    void aGitApplicationKeepsItsDefaultsAndHostileSourcesAreRefusedWithTheirField() {
        var app = http().data(CREATE, Map.of("i", input(uniqueName("git"), Map.of("git", Map.of("repository", "https://git.example.test/acme/app.git")))))
                .path("createApplication").path("application").path("source");
        assertThat(app.path("__typename").asText()).isEqualTo("GitSource");
        assertThat(app.path("ref").asText()).isEqualTo("main");
        assertThat(app.path("dockerfile").asText()).isEqualTo("Dockerfile");
        assertThat(app.path("context").asText()).isEqualTo(".");

        var refused = Map.<Map<String, Object>, String>of(
                Map.of("git", Map.of("repository", "ext::sh -c touch% /tmp/pwned")), "input.source.git.repository",
                Map.of("git", Map.of("repository", "file:///etc")), "input.source.git.repository",
                Map.of("git", Map.of("repository", "/srv/repo.git")), "input.source.git.repository",
                Map.of("git", Map.of("repository", "--upload-pack=touch /tmp/x")), "input.source.git.repository",
                Map.of("git", Map.of("repository", "https://h.test/a b")), "input.source.git.repository",
                Map.of("git", Map.of("repository", "https://h.test/a.git", "ref", "-x")), "input.source.git.ref",
                Map.of("git", Map.of("repository", "https://h.test/a.git", "ref", "a..b")), "input.source.git.ref",
                Map.of("git", Map.of("repository", "https://h.test/a.git", "dockerfile", "../Dockerfile")), "input.source.git.dockerfile",
                Map.of("image", Map.of("image", "team/UPPER")), "input.source.image.image",
                Map.of("image", Map.of("image", "web:bad tag")), "input.source.image.image");
        refused.forEach((source, field) -> {
            var result = http().post(CREATE, Map.of("i", input(uniqueName("bad"), source)));
            assertThat(result.firstErrorCode()).as(source.toString()).isEqualTo("BAD_USER_INPUT");
            assertThat(result.json().path("errors").get(0).path("extensions").path("field").asText()).as(source.toString()).isEqualTo(field);
        });
        var both = http().post(CREATE, Map.of("i", input(uniqueName("both"), Map.of("image", Map.of("image", "a"), "git", Map.of("repository", "https://h.test/a.git")))));
        assertThat(both.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
    }

    @Test
    void variablesFollowPrecedenceAndSecretsAreWriteOnly() {
        var id = http().data(CREATE, Map.of("i", input(uniqueName("env"), Map.of("image", Map.of("image", "busybox")))))
                .path("createApplication").path("application").path("id").asText();
        var set = "mutation($i: SetEnvironmentVariablesInput!) { setEnvironmentVariables(input: $i) { variables { key value secret buildTime } } }";
        http().data(set, Map.of("i", Map.of("scope", Map.of("team", true), "variables", List.of(
                Map.of("key", "LEVEL", "value", "team"), Map.of("key", "TEAM_ONLY", "value", "t")))));
        http().data(set, Map.of("i", Map.of("scope", Map.of("environmentId", environmentId), "variables", List.of(Map.of("key", "LEVEL", "value", "environment")))));
        var own = http().data(set, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(
                Map.of("key", "TOKEN", "value", "s3cr3t-$(id)", "secret", true),
                Map.of("key", "LEVEL", "value", "application"))))).path("setEnvironmentVariables").path("variables");
        assertThat(own.toString()).doesNotContain("s3cr3t");
        var effective = http().data("query($id: ID!) { application(id: $id) { effectiveEnvironment { key value secret scope } environmentVariables { key value } } }",
                Map.of("id", id)).path("application");
        assertThat(effective.toString()).doesNotContain("s3cr3t");
        var byKey = new java.util.HashMap<String, com.fasterxml.jackson.databind.JsonNode>();
        effective.path("effectiveEnvironment").forEach(v -> byKey.put(v.path("key").asText(), v));
        assertThat(byKey.get("LEVEL").path("value").asText()).isEqualTo("application");
        assertThat(byKey.get("LEVEL").path("scope").asText()).isEqualTo("APPLICATION");
        assertThat(byKey.get("TEAM_ONLY").path("scope").asText()).isEqualTo("TEAM");
        assertThat(byKey.get("TOKEN").path("secret").asBoolean()).isTrue();
        assertThat(byKey.get("TOKEN").path("value").isNull()).isTrue();

        // a secret given again without a value keeps its value; a plain one must have one
        http().data(set, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(Map.of("key", "TOKEN", "secret", true)))));
        var kept = http().data("query($id: ID!) { environmentVariables(scope: {applicationId: $id}) { key secret } }", Map.of("id", id)).path("environmentVariables");
        assertThat(kept.toString()).contains("TOKEN");
        var missing = http().post(set, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(Map.of("key", "PLAIN")))));
        assertThat(missing.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        var badKey = http().post(set, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(Map.of("key", "1BAD", "value", "x")))));
        assertThat(badKey.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.variables[0].key");
        // a secret is never a build argument: the classic builder keeps those in the image's history
        var secretBuild = http().post(set, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(
                Map.of("key", "NPM_TOKEN", "value", "s3cr3t-build", "secret", true, "buildTime", true)))));
        assertThat(secretBuild.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.variables[0].buildTime");
        assertThat(secretBuild.body()).doesNotContain("s3cr3t-build").contains("docker history");
        var twoScopes = http().post(set, Map.of("i", Map.of("scope", Map.of("team", true, "applicationId", id), "variables", List.of())));
        assertThat(twoScopes.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
    }

    @Test
    void concurrentReplacementsOfOneScopeAllSucceedAndOneSetWinsWhole() throws Exception {
        var id = http().data(CREATE, Map.of("i", input(uniqueName("race"), Map.of("image", Map.of("image", "busybox")))))
                .path("createApplication").path("application").path("id").asText();
        var set = "mutation($i: SetEnvironmentVariablesInput!) { setEnvironmentVariables(input: $i) { variables { key } } }";
        int writers = 6, rounds = 8;
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            var results = new java.util.ArrayList<java.util.concurrent.Future<List<String>>>();
            for (int w = 0; w < writers; w++) {
                // writer w's set: SHARED (its own value), W<w> and, every other round, EXTRA
                int writer = w;
                results.add(pool.submit(() -> {
                    start.await();
                    var errors = new java.util.ArrayList<String>();
                    for (int r = 0; r < rounds; r++) {
                        var variables = new java.util.ArrayList<Map<String, Object>>(List.of(
                                Map.of("key", "SHARED", "value", "w" + writer), Map.of("key", "W" + writer, "value", "r" + r)));
                        if (r % 2 == 0) variables.add(Map.of("key", "EXTRA", "value", "w" + writer));
                        var result = http().post(set, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", variables)));
                        if (result.firstErrorCode() != null) errors.add(result.json().toString());
                    }
                    return errors;
                }));
            }
            start.countDown();
            for (var result : results) assertThat(result.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
        // the scope holds exactly one writer's last set: its SHARED value names the writer, and no other writer's key is left
        var now = new java.util.TreeMap<String, String>();
        http().data("query($id: ID!) { environmentVariables(scope: {applicationId: $id}) { key value } }", Map.of("id", id))
                .path("environmentVariables").forEach(v -> now.put(v.path("key").asText(), v.path("value").asText()));
        var writer = now.get("SHARED").substring(1);
        assertThat(now.keySet()).containsExactly("SHARED", "W" + writer);
        assertThat(now.get("W" + writer)).isEqualTo("r" + (rounds - 1));
    }

    @Test
    void changingAnApplicationsVariablesIsAnApplicationEventAndAnUnchangedSetIsNot() throws Exception {
        var id = http().data(CREATE, Map.of("i", input(uniqueName("ev"), Map.of("image", Map.of("image", "busybox")))))
                .path("createApplication").path("application").path("id").asText();
        var set = "mutation($i: SetEnvironmentVariablesInput!) { setEnvironmentVariables(input: $i) { variables { key } } }";
        Map<String, Object> variables = Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of(Map.of("key", "A", "value", "1"))));
        try (var events = dev.berth.testing.WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            events.subscribe("e", "subscription { applicationEvents { kind applicationId } }");
            dev.berth.testing.RedisChannels.awaitSubscribed(user().teamId(), "applications");
            http().data(set, variables);
            var event = events.next(java.time.Duration.ofSeconds(10)).path("payload").path("data").path("applicationEvents");
            assertThat(event.path("kind").asText()).isEqualTo("UPDATED");
            assertThat(event.path("applicationId").asText()).isEqualTo(id);
            http().data(set, variables); // the same set again: nothing changed, nothing written, no event
            http().data(set, Map.of("i", Map.of("scope", Map.of("applicationId", id), "variables", List.of())));
            var next = events.next(java.time.Duration.ofSeconds(10)).path("payload").path("data").path("applicationEvents");
            assertThat(next.path("kind").asText()).isEqualTo("UPDATED");
            assertThat(events.poll(java.time.Duration.ofMillis(500))).as("one event per change").isNull();
        }
    }

    /** A registry's credentials go only to their own registry: an image on another host with them is refused, created or changed. */
    @Test
    void anImageOnAnotherHostIsRefusedTheTeamsRegistry() {
        var registry = http().data("mutation { createRegistry(input: {url: \"registry.example.test:5000\", username: \"ci\", password: \"registry-secret\"}) { registry { id } } }",
                Map.of()).path("createRegistry").path("registry").path("id").asText();
        for (var image : List.of("127.0.0.1:5999/x/img:1", "busybox:1", "registry.example.test:5001/x/img:1")) {
            var refused = http().post(CREATE, Map.of("i", input(uniqueName("reg"), Map.of("image", Map.of("image", image, "registryId", registry)))));
            assertThat(refused.firstErrorCode()).as(image).isEqualTo("BAD_USER_INPUT");
            assertThat(refused.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.source.image.registryId");
            assertThat(refused.body()).doesNotContain("registry-secret");
        }
        var id = http().data(CREATE, Map.of("i", input(uniqueName("reg"), Map.of("image", Map.of("image", "registry.example.test:5000/x/img:1", "registryId", registry)))))
                .path("createApplication").path("application").path("id").asText();
        var changed = http().post("mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { id } } }",
                Map.of("i", Map.of("id", id, "source", Map.of("image", Map.of("image", "127.0.0.1:5999/x/img:1", "registryId", registry)))));
        assertThat(changed.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
    }

    /** What an application uses is not deleted under it: a deploy key or registry in use is CONFLICT naming the application. */
    @Test
    void aDeployKeyOrRegistryInUseIsNotDeleted() {
        var key = http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n, purpose: DEPLOY}) { privateKey { id } } }",
                Map.of("n", uniqueName("dk"))).path("generatePrivateKey").path("privateKey").path("id").asText();
        var name = uniqueName("uses");
        var app = http().data(CREATE, Map.of("i", input(name, Map.of("git", Map.of("repository", "ssh://git@127.0.0.1/x.git", "deployKeyId", key)))))
                .path("createApplication").path("application").path("id").asText();
        var refused = http().post("mutation($id: ID!) { deletePrivateKey(input: {id: $id}) { deletedPrivateKeyId } }", Map.of("id", key));
        assertThat(refused.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(refused.body()).contains(name);
        var registry = http().data("mutation { createRegistry(input: {url: \"registry.example.test:5000\", username: \"in-use\", password: \"p\"}) { registry { id } } }",
                Map.of()).path("createRegistry").path("registry").path("id").asText();
        var pulling = uniqueName("pulls");
        http().data(CREATE, Map.of("i", input(pulling, Map.of("image", Map.of("image", "registry.example.test:5000/x/img:1", "registryId", registry)))));
        var kept = http().post("mutation($id: ID!) { deleteRegistry(input: {id: $id}) { deletedRegistryId } }", Map.of("id", registry));
        assertThat(kept.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(kept.body()).contains(pulling);
        // once the application is gone, the key goes
        http().data("mutation($id: ID!) { deleteApplication(input: {id: $id}) { deletedApplicationId } }", Map.of("id", app));
        assertThat(http().post("mutation($id: ID!) { deletePrivateKey(input: {id: $id}) { deletedPrivateKeyId } }", Map.of("id", key)).firstErrorCode()).isNull();
    }
}
