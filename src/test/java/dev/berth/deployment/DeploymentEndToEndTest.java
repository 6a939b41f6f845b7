package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.server.ServerCommands;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Applications deployed for real: the test sshd in front of the test dockerd (host network), logs over a real
 * graphql-ws client, the container's Env compared byte for byte, a failing health check that keeps the old version
 * serving, a rollback to an earlier image and environment, secrets masked in stored and streamed logs.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class DeploymentEndToEndTest extends BerthTestBase {
    private static final String HOSTILE = "$(id) `id` 'single' \"double\" \\back\nnew line ; rm -rf / &&";
    private static final String SECRET = "s3cr3t-value-" + UUID.randomUUID();

    @Inject
    ServerCommands commands;

    private String serverId;
    private String environmentId;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.deployments.network", "host");
    }

    @BeforeAll
    void world() {
        var sshd = TestSshd.get();
        var daemon = TestDocker.get();
        serverId = ManagedServers.server(http(), sshd, ManagedServers.authorizedKey(http(), sshd, "deploy"), sshd.port(), daemon.socket()).toString();
        environmentId = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("e2e"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** busybox httpd serving /bin on 127.0.0.1:port; GET /echo is a 200. */
    private String createWebApp(int port, String healthPath) {
        var input = new LinkedHashMap<String, Object>();
        input.put("environmentId", environmentId);
        input.put("serverId", serverId);
        input.put("name", uniqueName("web"));
        input.put("source", Map.of("image", Map.of("image", TestDocker.IMAGE)));
        input.put("command", List.of("/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/bin"));
        input.put("ports", List.of(Map.of("containerPort", port)));
        input.put("healthCheck", Map.of("path", healthPath, "port", port, "intervalSeconds", 1, "retries", 2, "startPeriodSeconds", 0));
        return http().data("mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }", Map.of("i", input))
                .path("createApplication").path("application").path("id").asText();
    }

    private void setVariables(String applicationId, List<Map<String, Object>> variables) {
        http().data("mutation($i: SetEnvironmentVariablesInput!) { setEnvironmentVariables(input: $i) { variables { key } } }",
                Map.of("i", Map.of("scope", Map.of("applicationId", applicationId), "variables", variables)));
    }

    private String deploy(String applicationId) {
        var deployment = http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id status number queuePosition } } }",
                Map.of("a", applicationId)).path("deployApplication").path("deployment");
        assertThat(deployment.path("status").asText()).isIn("QUEUED", "PREPARING", "STARTING", "HEALTH_CHECKING");
        return deployment.path("id").asText();
    }

    /** Follows the deployment's log over graphql-ws until the server completes it; returns the lines. */
    private List<JsonNode> follow(String deploymentId, int afterSeq) {
        try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            ws.send(Map.of("id", "l", "type", "subscribe", "payload", Map.of(
                    "query", "subscription($d: ID!, $a: Int) { deploymentLogs(deploymentId: $d, afterSeq: $a) { seq stream text } }",
                    "variables", Map.of("d", deploymentId, "a", afterSeq))));
            var lines = new ArrayList<JsonNode>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                var message = ws.next(Duration.ofSeconds(90));
                if (message.path("type").asText().equals("complete")) return lines;
                assertThat(message.path("type").asText()).as(message.toString()).isEqualTo("next");
                lines.add(message.path("payload").path("data").path("deploymentLogs"));
            }
            throw new AssertionError("the log did not end");
        }
    }

    private JsonNode deployment(String id) {
        return http().data("query($id: ID!) { deployment(id: $id) { status reason image configurationDiff { path before after } } }", Map.of("id", id)).path("deployment");
    }

    private static int get(int port, String path) throws Exception {
        try (var client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private String runningContainerEnv(String applicationId, String key) {
        var docker = commands.docker(ManagedServers.ownerViewer(user()), UUID.fromString(serverId));
        var running = docker.listContainersCmd().withLabelFilter(Map.of("berth.app", applicationId)).exec();
        assertThat(running).hasSize(1);
        var env = docker.inspectContainerCmd(running.getFirst().getId()).exec().getConfig().getEnv();
        return java.util.Arrays.stream(env).filter(e -> e.startsWith(key + "=")).map(e -> e.substring(key.length() + 1)).findFirst().orElse(null);
    }

    @Test
    void anImageApplicationIsDeployedServesAndItsLogArrivesOverGraphqlWsExactlyOnce() throws Exception {
        int port = freePort();
        var app = createWebApp(port, "/echo");
        setVariables(app, List.of(Map.of("key", "HOSTILE", "value", HOSTILE), Map.of("key", "TOKEN", "value", SECRET, "secret", true)));
        var id = deploy(app);
        var lines = follow(id, 0);
        var state = deployment(id);
        assertThat(state.path("status").asText()).as(state.toString()).isEqualTo("SUCCEEDED");
        assertThat(get(port, "/echo")).isEqualTo(200);
        // every seq once, in order, from 1
        for (int i = 0; i < lines.size(); i++) assertThat(lines.get(i).path("seq").asInt()).isEqualTo(i + 1);
        assertThat(lines.toString()).contains("deployment succeeded").contains("healthy");
        // values reach the container through Env, byte for byte
        assertThat(runningContainerEnv(app, "HOSTILE")).isEqualTo(HOSTILE);
        assertThat(runningContainerEnv(app, "TOKEN")).isEqualTo(SECRET);
        // resuming after seq 3 gives exactly the rest
        var rest = follow(id, 3);
        assertThat(rest).hasSize(lines.size() - 3);
        assertThat(rest.getFirst().path("seq").asInt()).isEqualTo(4);
        // the diff shows the secret changed, never its value
        assertThat(state.path("configurationDiff").toString()).contains("env.TOKEN").doesNotContain(SECRET);
    }

    @Test
    void aFailingHealthCheckKeepsTheOldVersionAndARollbackRestoresItsEnvironment() throws Exception {
        int port = freePort();
        var app = createWebApp(port, "/echo");
        setVariables(app, List.of(Map.of("key", "VERSION", "value", "one")));
        var first = deploy(app);
        follow(first, 0);
        assertThat(deployment(first).path("status").asText()).isEqualTo("SUCCEEDED");

        setVariables(app, List.of(Map.of("key", "VERSION", "value", "two")));
        http().data("mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { id } } }",
                Map.of("i", Map.of("id", app, "healthCheck", Map.of("path", "/missing", "port", port, "intervalSeconds", 1, "retries", 2, "startPeriodSeconds", 0))));
        var broken = deploy(app);
        var brokenLog = follow(broken, 0);
        var failed = deployment(broken);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("reason").asText()).contains("health check failed");
        assertThat(brokenLog.toString()).contains("started the previous container again");
        assertThat(get(port, "/echo")).as("the old version still serves").isEqualTo(200);
        assertThat(runningContainerEnv(app, "VERSION")).isEqualTo("one");

        // a good second version, then back to the first: its image and its environment
        http().data("mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { id } } }",
                Map.of("i", Map.of("id", app, "healthCheck", Map.of("path", "/echo", "port", port, "intervalSeconds", 1, "retries", 2, "startPeriodSeconds", 0))));
        var second = deploy(app);
        follow(second, 0);
        assertThat(runningContainerEnv(app, "VERSION")).isEqualTo("two");
        var back = http().data("mutation($d: ID!) { rollbackApplication(input: {deploymentId: $d}) { deployment { id } } }", Map.of("d", first))
                .path("rollbackApplication").path("deployment").path("id").asText();
        follow(back, 0);
        assertThat(deployment(back).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(runningContainerEnv(app, "VERSION")).isEqualTo("one");
        assertThat(get(port, "/echo")).isEqualTo(200);
    }

    @Test
    void secretsAndTheirEncodingsAreMaskedInStoredAndStreamedLogs() {
        var input = new LinkedHashMap<String, Object>();
        input.put("environmentId", environmentId);
        input.put("serverId", serverId);
        input.put("name", uniqueName("leak"));
        input.put("source", Map.of("image", Map.of("image", TestDocker.IMAGE)));
        var b64 = Base64.getEncoder().encodeToString(SECRET.getBytes());
        // prints the secret raw, base64-encoded (computed here: the image has no base64) and exits: a failed start
        input.put("command", List.of("/bin/sh", "-c", "echo raw=$TOKEN; echo b64=" + b64 + "; exit 3"));
        input.put("restartPolicy", "NO");
        var app = http().data("mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }", Map.of("i", input))
                .path("createApplication").path("application").path("id").asText();
        setVariables(app, List.of(Map.of("key", "TOKEN", "value", SECRET, "secret", true)));
        var id = deploy(app);
        var streamed = follow(id, 0).toString();
        var stored = http().data("query($id: ID!) { deployment(id: $id) { status logs(first: 1000) { text } } }", Map.of("id", id)).path("deployment");
        assertThat(stored.path("status").asText()).isEqualTo("FAILED");
        assertThat(streamed).contains("raw=***").contains("b64=***").doesNotContain(SECRET).doesNotContain(b64);
        assertThat(stored.toString()).contains("raw=***").doesNotContain(SECRET).doesNotContain(b64);
    }
}
