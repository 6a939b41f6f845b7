package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.server.ServerCommands;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import dev.berth.testing.WsClient;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/** What the end-to-end deployment tests share: a server (test sshd in front of the test dockerd), and API helpers. */
abstract class DeploymentTestBase extends BerthTestBase {
    @Inject
    ServerCommands commands;

    String serverId;
    String environmentId;
    String keyId;
    /** A key made for deploys, authorized on the test sshd (which serves the test repositories). */
    String deployKeyId;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.deployments.network", "host");
    }

    @BeforeAll
    void world() {
        var sshd = TestSshd.get();
        var daemon = TestDocker.get();
        keyId = ManagedServers.authorizedKey(http(), sshd, "deploy-" + UUID.randomUUID().toString().substring(0, 6));
        serverId = ManagedServers.server(http(), sshd, keyId, sshd.port(), daemon.socket()).toString();
        deployKeyId = ManagedServers.authorizedKey(http(), sshd, "git-" + UUID.randomUUID().toString().substring(0, 6), "DEPLOY");
        environmentId = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("e2e"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
    }

    static int freePort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    Map<String, Object> application(String prefix, Map<String, Object> source) {
        var input = new LinkedHashMap<String, Object>();
        input.put("environmentId", environmentId);
        input.put("serverId", serverId);
        input.put("name", uniqueName(prefix));
        input.put("source", source);
        // the test images' commands run as PID 1 without a SIGTERM handler: without this every stop waits Docker's 10 s
        input.put("stopGracePeriodSeconds", 1);
        return input;
    }

    String create(Map<String, Object> input) {
        return http().data("mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }", Map.of("i", input))
                .path("createApplication").path("application").path("id").asText();
    }

    void setVariables(String applicationId, List<Map<String, Object>> variables) {
        http().data("mutation($i: SetEnvironmentVariablesInput!) { setEnvironmentVariables(input: $i) { variables { key } } }",
                Map.of("i", Map.of("scope", Map.of("applicationId", applicationId), "variables", variables)));
    }

    String deploy(String applicationId) {
        var deployment = http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id status number queuePosition } } }",
                Map.of("a", applicationId)).path("deployApplication").path("deployment");
        assertThat(deployment.path("status").asText()).isIn("QUEUED", "PREPARING", "BUILDING", "STARTING", "HEALTH_CHECKING");
        return deployment.path("id").asText();
    }

    /** Follows the deployment's log over graphql-ws until the server completes it; returns the lines. */
    List<JsonNode> follow(String deploymentId, int afterSeq) {
        try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            ws.send(Map.of("id", "l", "type", "subscribe", "payload", Map.of(
                    "query", "subscription($d: ID!, $a: Int) { deploymentLogs(deploymentId: $d, afterSeq: $a) { seq at stream text } }",
                    "variables", Map.of("d", deploymentId, "a", afterSeq))));
            var lines = new ArrayList<JsonNode>();
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (System.nanoTime() < deadline) {
                var message = ws.next(Duration.ofSeconds(180));
                if (message.path("type").asText().equals("complete")) return lines;
                assertThat(message.path("type").asText()).as(message.toString()).isEqualTo("next");
                lines.add(message.path("payload").path("data").path("deploymentLogs"));
            }
            throw new AssertionError("the log did not end");
        }
    }

    /** Running containers whose command mentions {@code marker} (a build's RUN step, say). */
    long buildContainers(String marker) {
        return docker().listContainersCmd().exec().stream().filter(c -> c.getCommand() != null && c.getCommand().contains(marker)).count();
    }

    /** Waits (up to a minute) until a container whose command mentions {@code marker} runs. */
    void awaitBuildStep(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && buildContainers(marker) == 0) Thread.sleep(50);
        assertThat(buildContainers(marker)).as("the build's RUN step runs").isPositive();
    }

    JsonNode deployment(String id) {
        return http().data("query($id: ID!) { deployment(id: $id) { status reason image commit configurationDiff { path before after } } }",
                Map.of("id", id)).path("deployment");
    }

    com.github.dockerjava.api.DockerClient docker() {
        return commands.docker(ManagedServers.ownerViewer(user()), UUID.fromString(serverId));
    }

    String runningContainerEnv(String applicationId, String key) {
        var running = docker().listContainersCmd().withLabelFilter(Map.of("berth.app", applicationId)).exec();
        assertThat(running).hasSize(1);
        var env = docker().inspectContainerCmd(running.getFirst().getId()).exec().getConfig().getEnv();
        return java.util.Arrays.stream(env).filter(e -> e.startsWith(key + "=")).map(e -> e.substring(key.length() + 1)).findFirst().orElse(null);
    }

    /** A bare repository holding {@code files}, reachable as ssh://user@127.0.0.1:port/path through the test sshd. */
    String repository(Map<String, String> files) throws Exception {
        return repository(files, Map.of());
    }

    /** The same, with symbolic links committed as links: path in the repository to the link's target, as written. */
    String repository(Map<String, String> files, Map<String, String> links) throws Exception {
        var dir = Files.createTempDirectory("berth-repo-");
        var work = dir.resolve("work");
        Files.createDirectories(work);
        for (var file : files.entrySet()) {
            Files.createDirectories(work.resolve(file.getKey()).getParent());
            Files.writeString(work.resolve(file.getKey()), file.getValue());
        }
        for (var link : links.entrySet()) {
            Files.createDirectories(work.resolve(link.getKey()).getParent());
            Files.createSymbolicLink(work.resolve(link.getKey()), Path.of(link.getValue()));
        }
        git(work, "init", "-q", "-b", "main");
        git(work, "add", ".");
        git(work, "-c", "user.email=ci@berth.test", "-c", "user.name=ci", "commit", "-q", "-m", "first");
        git(dir, "clone", "-q", "--bare", work.toString(), dir.resolve("repo.git").toString());
        var sshd = TestSshd.get();
        return "ssh://" + sshd.user() + "@127.0.0.1:" + sshd.port() + dir.resolve("repo.git");
    }

    static void git(Path cwd, String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0).as(output).isTrue();
    }
}
