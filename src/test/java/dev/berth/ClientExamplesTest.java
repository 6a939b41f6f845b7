package dev.berth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs what a user would run from client-examples/ against a started server: every curl script, the Node
 * graphql-ws subscriber, and the graphql-http audit suite. Node, npm and jq are required, not optional.
 */
@MicronautTest
class ClientExamplesTest extends BerthTestBase {
    private static final Path EXAMPLES = Path.of("client-examples").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    void nodeModulesAreInstalled() throws Exception {
        if (!Files.isDirectory(EXAMPLES.resolve("node_modules/graphql-ws"))) {
            var install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            assertThat(install.exit()).as("npm ci: " + install.err()).isZero();
        }
    }

    private Run run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        return run(command, timeoutSeconds, Map.of("BERTH_TOKEN", user().accessToken()));
    }

    private Run run(List<String> command, int timeoutSeconds, Map<String, String> env) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).directory(EXAMPLES.toFile());
        builder.environment().put("BERTH_URL", "http://127.0.0.1:" + server.getPort());
        builder.environment().putAll(env);
        var out = Files.createTempFile("example", ".out");
        var err = Files.createTempFile("example", ".err");
        var process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private JsonNode curl(String script, String... args) throws Exception {
        return curlAs(Map.of("BERTH_TOKEN", user().accessToken()), script, args);
    }

    /** Every curl example some test ran; checked against the directory once the class is done. */
    private final java.util.Set<String> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @org.junit.jupiter.api.AfterAll
    void everyCurlExampleRan() throws IOException {
        try (var scripts = Files.list(EXAMPLES.resolve("curl"))) {
            var all = scripts.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sh") && !n.equals("berth.sh")).toList();
            assertThat(ran).as("curl examples no test runs").containsAll(all);
        }
    }

    private JsonNode curlAs(Map<String, String> env, String script, String... args) throws Exception {
        ran.add(script);
        var command = new ArrayList<>(List.of("bash", "curl/" + script));
        command.addAll(List.of(args));
        var result = run(command, 30, env);
        assertThat(result.exit()).as(script + ": " + result.err() + result.out()).isZero();
        var json = result.json();
        assertThat(json.has("errors")).as(script + ": " + result.out()).isFalse();
        return json.path("data");
    }

    @Test
    void everyCurlExampleWorksInSequence() throws Exception {
        var name = uniqueName("curl");
        var project = curl("create-project.sh", name, "made by curl").path("createProject").path("project");
        var id = project.path("id").asText();
        assertThat(curl("get-project.sh", id).path("project").path("name").asText()).isEqualTo(name);
        assertThat(curl("update-project.sh", id, name + "-2").path("updateProject").path("project").path("name").asText())
                .isEqualTo(name + "-2");
        assertThat(curl("list-projects.sh", "100").path("projects").path("edges").size()).isPositive();
        assertThat(curl("find-projects-by-metadata.sh", "owner", "ops").path("projects").path("edges").size()).isPositive();
        var environment = curl("create-environment.sh", id, "staging").path("createEnvironment").path("environment");
        var environmentId = environment.path("id").asText();
        assertThat(curl("rename-environment.sh", environmentId, "qa").path("renameEnvironment").path("environment").path("name").asText())
                .isEqualTo("qa");
        assertThat(curl("get-environment.sh", environmentId).path("environment").path("project").path("id").asText()).isEqualTo(id);
        assertThat(curl("delete-environment.sh", environmentId).path("deleteEnvironment").path("deletedEnvironmentId").asText())
                .isEqualTo(environmentId);
        assertThat(curl("delete-project.sh", id).path("deleteProject").path("deletedProjectId").asText()).isEqualTo(id);
    }

    @Test
    void everyIdentityExampleWorksInSequence() throws Exception {
        var email = "curl-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        var password = Map.of("BERTH_PASSWORD", "a long example password");
        var signedUp = curlAs(password, "sign-up.sh", email, "Curl User").path("signUp");
        var session = Map.of("BERTH_TOKEN", signedUp.path("accessToken").asText());
        assertThat(curlAs(session, "whoami.sh").path("me").path("role").asText()).isEqualTo("OWNER");
        var token = curlAs(session, "create-api-token.sh", "ci", "read", "write").path("createApiToken");
        assertThat(token.path("token").asText()).startsWith("berth_pat_");
        assertThat(curlAs(Map.of("BERTH_TOKEN", token.path("token").asText()), "whoami.sh").path("me").path("viaApiToken").asBoolean()).isTrue();
        assertThat(curlAs(session, "list-api-tokens.sh").path("apiTokens")).hasSize(1);
        var invitee = "invitee-" + email;
        var invitation = curlAs(session, "invite-member.sh", invitee, "MEMBER").path("inviteMember").path("token").asText();
        var inviteeSession = curlAs(password, "sign-up.sh", invitee, "Invitee").path("signUp");
        var inviteeId = inviteeSession.path("user").path("id").asText();
        curlAs(Map.of("BERTH_TOKEN", inviteeSession.path("accessToken").asText(), "BERTH_INVITATION", invitation), "accept-invitation.sh");
        assertThat(curlAs(session, "team.sh").path("team").path("members")).hasSize(2);
        assertThat(curlAs(session, "change-member-role.sh", inviteeId, "VIEWER").path("changeMemberRole").path("member").path("role").asText())
                .isEqualTo("VIEWER");
        curlAs(session, "remove-member.sh", inviteeId);
        var team = curlAs(session, "create-team.sh", "Side project").path("createTeam").path("team").path("id").asText();
        curlAs(Map.of("BERTH_TOKEN", inviteeSession.path("accessToken").asText()), "whoami.sh");
        assertThat(curlAs(session, "audit-events.sh", "createApiToken").path("auditEvents").path("edges")).isNotEmpty();
        curlAs(session, "revoke-api-token.sh", token.path("apiToken").path("id").asText());
        var loggedIn = curlAs(password, "login.sh", email).path("login");
        var refreshed = curlAs(Map.of("BERTH_REFRESH_TOKEN", loggedIn.path("refreshToken").asText()), "refresh-session.sh").path("refreshSession");
        var second = Map.of("BERTH_TOKEN", refreshed.path("accessToken").asText());
        curlAs(Map.of("BERTH_TOKEN", signedUp.path("accessToken").asText(), "BERTH_PASSWORD", "a long example password",
                "BERTH_NEW_PASSWORD", "another long example password"), "change-password.sh");
        curlAs(session, "logout.sh");
        // leaving a team you alone own is refused: the script reports the API's error
        ran.add("leave-team.sh");
        var leave = run(List.of("bash", "curl/leave-team.sh", team), 30, second);
        assertThat(leave.err()).contains("UNAUTHENTICATED"); // the password change ended that other session
        assertThat(leave.exit()).as("a GraphQL error is a failed command").isEqualTo(1);
        assertThat(signedUpErr(password)).contains("export BERTH_TOKEN=");
    }

    /** sign-up.sh prints the line to paste on stderr, so stdout stays the JSON answer. */
    private String signedUpErr(Map<String, String> password) throws Exception {
        var email = "paste-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        return run(List.of("bash", "curl/sign-up.sh", email, "Paste"), 30, password).err();
    }

    @Test
    void missingArgumentsStopBeforeAnyRequest() throws Exception {
        // a closed port: had the script sent anything, curl would fail with exit 2 instead of the usage's 64
        var usage = run(List.of("bash", "curl/get-project.sh"), 30, Map.of("BERTH_URL", "http://127.0.0.1:9"));
        assertThat(usage.exit()).isEqualTo(64);
        assertThat(usage.err()).contains("Usage: get-project.sh PROJECT_ID");
    }

    @Test
    void everyServerAndKeyExampleWorksInSequence() throws Exception {
        var key = curl("generate-private-key.sh", uniqueName("k")).path("generatePrivateKey").path("privateKey");
        assertThat(key.path("publicKey").asText()).startsWith("ssh-ed25519 ");
        var pem = Files.createTempFile("berth-key", ".pem");
        Files.writeString(pem, dev.berth.testing.SshKeys.generate("ed25519").pem());
        var imported = curl("import-private-key.sh", uniqueName("i"), pem.toString()).path("importPrivateKey").path("privateKey");
        Files.delete(pem);
        assertThat(curl("list-private-keys.sh").path("privateKeys").size()).isGreaterThanOrEqualTo(2);
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        var serverId = curl("create-server.sh", uniqueName("s"), "127.0.0.1", key.path("id").asText(), String.valueOf(closed))
                .path("createServer").path("server").path("id").asText();
        assertThat(curl("list-servers.sh").path("servers").toString()).contains(serverId);
        assertThat(curl("update-server.sh", serverId, "localhost", String.valueOf(closed)).path("updateServer").path("server").path("host").asText())
                .isEqualTo("localhost");
        assertThat(curl("validate-server.sh", serverId).path("validateServer").path("validationId").asText()).isNotBlank();
        assertThat(curl("trust-server-host-key.sh", serverId, "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")
                .path("trustServerHostKey").path("server").path("hostKeyFingerprint").asText()).startsWith("SHA256:");
        assertThat(curl("get-server.sh", serverId).path("server").path("id").asText()).isEqualTo(serverId);
        curl("delete-server.sh", serverId);
        curl("delete-private-key.sh", imported.path("id").asText());
        curl("delete-private-key.sh", key.path("id").asText());
    }

    /**
     * Every Node example that follows a subscription (those on berth-client's wsClient) gives up, exit 2 with its name
     * and why on stderr, when Berth is not where BERTH_URL says, instead of retrying silently forever.
     */
    @Test
    void everyNodeFollowerGivesUpWhenBerthIsNotThere() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        var followers = new java.util.TreeMap<String, Process>();
        try (var files = Files.list(EXAMPLES)) {
            for (var file : files.filter(f -> f.toString().endsWith(".mjs")).toList()) {
                if (file.getFileName().toString().equals("berth-client.mjs") || !Files.readString(file).contains("wsClient(")) continue;
                var id = java.util.UUID.randomUUID().toString();
                // each with the arguments it needs (most take one id)
                var command = file.getFileName().toString().equals("database-backup.mjs")
                        ? List.of("node", "database-backup.mjs", id, id, "db", "POSTGRESQL", id)
                        : List.of("node", file.getFileName().toString(), id);
                var builder = new ProcessBuilder(command).directory(EXAMPLES.toFile());
                builder.environment().putAll(Map.of("BERTH_URL", "http://127.0.0.1:" + closed, "BERTH_TOKEN", "berth_pat_nothing"));
                followers.put(file.getFileName().toString(), builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
        }
        assertThat(followers.keySet()).contains("berth-logs.mjs", "application-logs.mjs", "deployment-updates.mjs", "validate-server.mjs",
                "database-backup.mjs");
        for (var follower : followers.entrySet()) {
            var process = follower.getValue();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(follower.getKey() + " kept trying a Berth that is not there");
            }
            var err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(follower.getKey() + ": " + err).isEqualTo(2);
            var lines = err.strip().lines().toList();
            assertThat(lines.getLast()).as(follower.getKey() + " ends saying why").startsWith(follower.getKey().replace(".mjs", "") + ": ");
        }
    }

    @Test
    void theNodeSubscriberPrintsProjectEvents() throws Exception {
        var builder = new ProcessBuilder("node", "subscribe-project-events.mjs", "--count", "1").directory(EXAMPLES.toFile());
        builder.environment().put("BERTH_URL", "http://127.0.0.1:" + server.getPort());
        builder.environment().put("BERTH_TOKEN", user().accessToken());
        var out = Files.createTempFile("subscriber", ".out");
        var err = Files.createTempFile("subscriber", ".err");
        var process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            // The subscriber reports "connected" on stderr; create projects until it has seen one.
            var name = uniqueName("node");
            for (int i = 0; i < 50 && process.isAlive(); i++) {
                if (Files.readString(err).contains("connected")) {
                    Thread.sleep(300);
                    curl("create-project.sh", name + "-" + i);
                    if (process.waitFor(2, TimeUnit.SECONDS)) break;
                } else {
                    Thread.sleep(200);
                }
            }
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(err)).isZero();
            var event = JSON.readTree(Files.readString(out).lines().findFirst().orElseThrow());
            assertThat(event.path("kind").asText()).isEqualTo("CREATED");
            assertThat(event.path("project").path("name").asText()).startsWith(name);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void everyMustAuditOfGraphqlHttpPasses() throws Exception {
        var result = run(List.of("node", "graphql-http-audit.mjs"), 120);
        System.out.println(result.out());
        assertThat(result.out()).contains("summary MUST:").contains("0 MUST failures");
        assertThat(result.exit()).as(result.out() + result.err()).isZero();
    }
}
