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
class DeploymentEndToEndTest extends DeploymentTestBase {
    private static final String HOSTILE = "$(id) `id` 'single' \"double\" \\back\nnew line ; rm -rf / &&";
    private static final String SECRET = "s3cr3t-value-" + UUID.randomUUID();

    /** busybox httpd serving /bin on 127.0.0.1:port; GET /echo is a 200. */
    private String createWebApp(int port, String healthPath) {
        return http().data("mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }", Map.of("i", webApp(port, healthPath)))
                .path("createApplication").path("application").path("id").asText();
    }

    private Map<String, Object> webApp(int port, String healthPath) {
        var input = new LinkedHashMap<String, Object>();
        input.put("environmentId", environmentId);
        input.put("serverId", serverId);
        input.put("name", uniqueName("web"));
        input.put("source", Map.of("image", Map.of("image", TestDocker.IMAGE)));
        input.put("command", List.of("/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/bin"));
        input.put("ports", List.of(Map.of("containerPort", port)));
        // httpd as PID 1 ignores SIGTERM: a short grace period keeps every replacement quick
        input.put("stopGracePeriodSeconds", 1);
        input.put("healthCheck", Map.of("path", healthPath, "port", port, "intervalSeconds", 1, "retries", 2, "startPeriodSeconds", 0));
        return input;
    }

    private static int get(int port, String path) throws Exception {
        try (var client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
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
        var container = docker().listContainersCmd().withLabelFilter(Map.of("berth.app", app)).exec().getFirst().getId();
        var inspect = new ProcessBuilder("docker", "-H", "unix://" + TestDocker.get().socket(), "inspect", "--format",
                "{{.Config.StopSignal}} {{.Config.StopTimeout}}", container).redirectErrorStream(true).start();
        assertThat(new String(inspect.getInputStream().readAllBytes()).strip())
                .as("the application's stop signal and grace period are the container's").isEqualTo("SIGTERM 1");
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
        // the plan is the run's: the real previous container (stopped first on the host network), the next number
        var running = docker().listContainersCmd().withLabelFilter(Map.of("berth.app", app)).exec().getFirst().getNames()[0].substring(1);
        var planned = http().data("query($a: ID!) { planDeployment(applicationId: $a) { steps } }", Map.of("a", app))
                .path("planDeployment").path("steps").toString();
        assertThat(planned).contains("stop the previous container " + running + " first").contains("retire the previous container " + running)
                .contains(":d2 (the last").contains("-2-<deployment id>").doesNotContain("-0-").doesNotContain(":d0");
        // the plan asks the server, as the run does: a container of the application Berth never recorded shows too
        var leftover = docker().createContainerCmd(TestDocker.IMAGE).withName(uniqueName("leftover")).withCmd("/bin/sleep", "600")
                .withLabels(Map.of("berth.app", app, "berth.deployment", java.util.UUID.randomUUID().toString())).exec().getId();
        try {
            var leftoverName = docker().inspectContainerCmd(leftover).exec().getName().substring(1);
            var asked = http().data("query($a: ID!) { planDeployment(applicationId: $a) { steps } }", Map.of("a", app))
                    .path("planDeployment").path("steps").toString();
            assertThat(asked).contains("retire the previous containers").contains(running).contains(leftoverName);
        } finally {
            docker().removeContainerCmd(leftover).withForce(true).exec();
        }
        // a server Berth never reached: the plan does not make the first contact (it would pin a host key), says so, and
        // shows what Berth knows
        var away = application("away", Map.of("image", Map.of("image", TestDocker.IMAGE)));
        away.put("serverId", dev.berth.testing.ManagedServers.server(http(), dev.berth.testing.TestSshd.get(), keyId, freePort(),
                dev.berth.testing.TestDocker.get().socket()).toString());
        var awayId = create(away);
        var awaySteps = http().data("query($a: ID!) { planDeployment(applicationId: $a) { steps } }", Map.of("a", awayId))
                .path("planDeployment").path("steps");
        assertThat(awaySteps.get(0).asText()).as("a plan makes no first contact").startsWith("(the server was never reached: validate it first");
        assertThat(awaySteps.toString()).contains("create container away-");
        // once its key is pinned (by hand here), the plan asks it; nothing answers on its port: the plan says why
        http().data("mutation($id: ID!, $f: String!) { trustServerHostKey(input: {id: $id, fingerprint: $f}) { server { id } } }",
                Map.of("id", away.get("serverId"), "f", "SHA256:" + "A".repeat(43)));
        var refusedSteps = http().data("query($a: ID!) { planDeployment(applicationId: $a) { steps } }",
                Map.of("a", awayId)).path("planDeployment").path("steps");
        assertThat(refusedSteps.get(0).asText()).startsWith("(the server could not be asked which containers run: ");

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

        // the application's settings move to another port: its running container still binds the old one, so no other
        // application may take it until a deployment replaces that container
        int other = freePort();
        http().data("mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { id } } }",
                Map.of("i", Map.of("id", app, "ports", List.of(Map.of("containerPort", other)),
                        "command", List.of("/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:" + other, "-h", "/bin"),
                        "healthCheck", Map.of("path", "/echo", "port", other, "intervalSeconds", 1, "retries", 2, "startPeriodSeconds", 0))));
        var stillBound = http().post("mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }",
                Map.of("i", webApp(port, "/echo")));
        assertThat(stillBound.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(stillBound.body()).contains("(deployment #4)").contains(String.valueOf(port));
        var moved = deploy(app);
        follow(moved, 0);
        assertThat(deployment(moved).path("status").asText()).isEqualTo("SUCCEEDED");
        // now another takes the old port: going back to the first is refused, naming the holder, before anything is
        // queued (the port rules hold for a rollback as for an update)
        var holder = createWebApp(port, "/echo");
        var holderName = http().data("query($a: ID!) { application(id: $a) { name } }", Map.of("a", holder)).path("application").path("name").asText();
        var refused = http().post("mutation($d: ID!) { rollbackApplication(input: {deploymentId: $d}) { deployment { id } } }", Map.of("d", first));
        assertThat(refused.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(refused.body()).contains(holderName).contains(String.valueOf(port));
        assertThat(http().data("query($a: ID!) { application(id: $a) { deployments { id } } }", Map.of("a", app))
                .path("application").path("deployments").size()).as("nothing queued").isEqualTo(5);
    }

    /**
     * The test daemon has no bridge (--bridge=none): an application that chooses BRIDGE fails at once saying so and
     * what to do, touching nothing; back on its server's network (HOST here) the next deployment serves. On the host
     * network a hostPort other than the container port is refused at input.
     */
    @Test
    void anApplicationOnANetworkTheServerLacksFailsSayingWhatToDo() {
        var input = application("bridged", Map.of("image", Map.of("image", TestDocker.IMAGE)));
        input.put("command", List.of("/bin/sleep", "600"));
        input.put("networkMode", "BRIDGE");
        var app = create(input);
        var failed = deploy(app);
        follow(failed, 0);
        var state = deployment(failed);
        assertThat(state.path("status").asText()).isEqualTo("FAILED");
        assertThat(state.path("reason").asText()).contains("no network bridge with an address").contains("networkMode HOST");
        assertThat(docker().listContainersCmd().withShowAll(true).withLabelFilter(Map.of("berth.app", app)).exec()).isEmpty();

        var back = http().data("mutation($id: ID!) { updateApplication(input: {id: $id, networkMode: null}) { application { networkMode server { networkMode } } } }",
                Map.of("id", app)).path("updateApplication").path("application");
        assertThat(back.path("networkMode").isNull()).isTrue();
        assertThat(back.path("server").path("networkMode").asText()).isEqualTo("HOST");
        var served = deploy(app);
        follow(served, 0);
        assertThat(deployment(served).path("status").asText()).isEqualTo("SUCCEEDED");

        var refused = http().post("mutation($id: ID!) { updateApplication(input: {id: $id, networkMode: HOST, ports: [{containerPort: 80, hostPort: 8080}]}) { application { id } } }",
                Map.of("id", app));
        assertThat(refused.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        assertThat(refused.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.ports[0].hostPort");
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

    @Test
    void aRunningApplicationsOutputIsFollowedMaskedAndItStopsStartsAndRestarts() throws Exception {
        var input = application("ticker", Map.of("image", Map.of("image", TestDocker.IMAGE)));
        input.put("command", List.of("/bin/sh", "-c", "echo started with $TOKEN; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"));
        var app = create(input);
        setVariables(app, List.of(Map.of("key", "TOKEN", "value", SECRET, "secret", true)));
        var id = deploy(app);
        var deploymentLog = follow(id, 0).toString();
        assertThat(deployment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        // the container's own start-up output is in the deployment's log of a success, masked
        assertThat(deploymentLog).contains("the container's output during start-up").contains("started with ***").doesNotContain(SECRET);

        var lines = applicationLogs(app);
        assertThat(lines).contains("started with ***");
        assertThat(lines.toString()).doesNotContain(SECRET);
        // rotated without a redeploy: the running container still has (and prints) the old value, which stays masked
        setVariables(app, List.of(Map.of("key", "TOKEN", "value", "rotated-" + UUID.randomUUID(), "secret", true)));
        var rotated = applicationLogs(app);
        assertThat(rotated).contains("started with ***");
        assertThat(rotated.toString()).doesNotContain(SECRET);

        var status = "mutation($id: ID!) { %s(input: {id: $id}) { application { status } } }";
        assertThat(http().data(status.formatted("stopApplication"), Map.of("id", app)).path("stopApplication").path("application").path("status").asText())
                .isEqualTo("STOPPED");
        assertThat(docker().listContainersCmd().withLabelFilter(Map.of("berth.app", app)).exec()).as("nothing runs").isEmpty();
        assertThat(http().data(status.formatted("startApplication"), Map.of("id", app)).path("startApplication").path("application").path("status").asText())
                .isEqualTo("RUNNING");
        assertThat(runningContainerEnv(app, "TOKEN")).isEqualTo(SECRET);
        assertThat(http().data(status.formatted("restartApplication"), Map.of("id", app)).path("restartApplication").path("application").path("status").asText())
                .isEqualTo("RUNNING");
        var busy = deploy(app);
        var refused = http().post(status.formatted("stopApplication"), Map.of("id", app));
        assertThat(refused.firstErrorCode()).as("a deployment owns the containers meanwhile").isEqualTo("CONFLICT");
        follow(busy, 0);
    }

    /** The application's output from its start until five ticks were seen, over graphql-ws. */
    private List<String> applicationLogs(String app) {
        var lines = new java.util.ArrayList<String>();
        try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            ws.send(Map.of("id", "a", "type", "subscribe", "payload", Map.of(
                    "query", "subscription($a: ID!) { applicationLogs(applicationId: $a, tail: 1000) { stream text } }", "variables", Map.of("a", app))));
            while (lines.stream().filter(l -> l.startsWith("tick")).count() < 5) {
                var message = ws.next(Duration.ofSeconds(20));
                assertThat(message.path("type").asText()).as(message.toString()).isEqualTo("next");
                lines.add(message.path("payload").path("data").path("applicationLogs").path("text").asText());
            }
        }
        return lines;
    }
}
