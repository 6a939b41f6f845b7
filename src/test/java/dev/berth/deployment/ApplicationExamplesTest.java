package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.testing.DroppingProxy;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The application examples as a user runs them against real daemons: every script of client-examples/curl/applications
 * in sequence, and the berth-logs CLI, which survives a dropped connection without losing or repeating a line.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class ApplicationExamplesTest extends DeploymentTestBase {
    private static final Path EXAMPLES = Path.of("client-examples").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Set<String> ran = ConcurrentHashMap.newKeySet();

    record Run(int exit, String out, String err) {}

    private Run run(List<String> command, Map<String, String> env, int port) throws Exception {
        var builder = new ProcessBuilder(command).directory(EXAMPLES.toFile());
        builder.environment().put("BERTH_URL", "http://127.0.0.1:" + port);
        builder.environment().put("BERTH_TOKEN", user().accessToken());
        builder.environment().putAll(env);
        var out = Files.createTempFile("example", ".out");
        var err = Files.createTempFile("example", ".err");
        var process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private JsonNode script(String name, Map<String, String> env, String... args) throws Exception {
        ran.add(name);
        var command = new ArrayList<>(List.of("bash", "curl/applications/" + name));
        command.addAll(List.of(args));
        var result = run(command, env, server.getPort());
        assertThat(result.exit()).as(name + ": " + result.err() + result.out()).isZero();
        return JSON.readTree(result.out()).path("data");
    }

    private JsonNode script(String name, String... args) throws Exception {
        return script(name, Map.of(), args);
    }

    private Run logs(int port, String... args) throws Exception {
        var command = new ArrayList<>(List.of("node", "berth-logs.mjs"));
        command.addAll(List.of(args));
        return run(command, Map.of(), port);
    }

    /** Every application script runs here or in README's walkthrough (which ReadmeWalkthroughTest runs as written). */
    @AfterAll
    void everyApplicationScriptRan() throws IOException {
        var walkthrough = new java.util.HashSet<String>();
        var named = java.util.regex.Pattern.compile("\\./applications/([a-z-]+\\.sh)").matcher(ReadmeWalkthroughTest.walkthrough());
        while (named.find()) walkthrough.add(named.group(1));
        try (var scripts = Files.list(EXAMPLES.resolve("curl/applications"))) {
            var covered = new java.util.HashSet<>(ran);
            covered.addAll(walkthrough);
            assertThat(covered).as("application examples no test runs").containsAll(scripts.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** An image whose own command keeps running, as a real service's does. */
    private String sleeperImage() throws Exception {
        var dir = Files.createTempDirectory("sleeper");
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + TestDocker.IMAGE + "\nCMD [\"/bin/sleep\", \"3600\"]\n");
        var tag = "berth-test/sleeper:1";
        docker().buildImageCmd(dir.toFile()).withTags(Set.of(tag)).start().awaitImageId();
        return tag;
    }

    @Test
    void everyApplicationExampleWorksInSequence() throws Exception {
        var app = script("create-application.sh", environmentId, serverId, uniqueName("shop"), sleeperImage())
                .path("createApplication").path("application").path("id").asText();
        // sleep as PID 1 ignores SIGTERM: without a short grace period every replacement waits 10 s
        var settings = script("update-application.sh", app, "{\"stopSignal\": \"SIGTERM\", \"stopGracePeriodSeconds\": 1}")
                .path("updateApplication").path("application");
        assertThat(settings.path("stopGracePeriodSeconds").asInt()).isEqualTo(1);
        var secret = "example-secret-" + java.util.UUID.randomUUID();
        var variables = script("set-environment-variables.sh", Map.of("GREETING", "hello $USER", "SECRET_TOKEN", secret,
                "BERTH_SECRET_NAMES", "SECRET_TOKEN"), app, "GREETING", "SECRET_TOKEN").path("setEnvironmentVariables").path("variables");
        assertThat(variables.toString()).contains("hello $USER").doesNotContain(secret);
        // one key at a time: the secret set above stays (not set here, so it keeps its value), one key changes, one goes
        var upserted = script("upsert-environment-variables.sh", Map.of("GREETING", "hi", "EXTRA", "1", "BERTH_SECRET_NAMES", "SECRET_TOKEN"),
                app, "GREETING", "EXTRA", "SECRET_TOKEN").path("upsertEnvironmentVariables").path("variables");
        assertThat(upserted.toString()).contains("\"GREETING\"").contains("\"hi\"").contains("SECRET_TOKEN").doesNotContain(secret);
        var deleted = script("delete-environment-variables.sh", app, "EXTRA", "NOT_THERE").path("deleteEnvironmentVariables");
        assertThat(deleted.path("deletedKeys").toString()).isEqualTo("[\"EXTRA\"]");
        assertThat(deleted.path("variables").toString()).contains("SECRET_TOKEN").contains("GREETING").doesNotContain("EXTRA");
        var plan = script("plan-deployment.sh", app).path("planDeployment");
        assertThat(plan.path("steps")).isNotEmpty();
        assertThat(plan.path("configurationDiff").toString()).contains("env.SECRET_TOKEN").contains("(secret)").doesNotContain(secret);

        var first = script("deploy-application.sh", app).path("deployApplication").path("deployment").path("id").asText();
        var followed = logs(server.getPort(), first);
        assertThat(followed.exit()).as(followed.err()).isZero();
        assertThat(followed.out()).contains("BERTH deployment succeeded");
        assertThat(script("get-deployment.sh", first).path("deployment").path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(script("get-application.sh", app).path("application").path("status").asText()).isEqualTo("RUNNING");
        assertThat(script("stop-application.sh", app).path("stopApplication").path("application").path("status").asText()).isEqualTo("STOPPED");
        assertThat(script("start-application.sh", app).path("startApplication").path("application").path("status").asText()).isEqualTo("RUNNING");
        assertThat(script("restart-application.sh", app).path("restartApplication").path("application").path("status").asText()).isEqualTo("RUNNING");

        // deployment-updates.mjs follows the next deployment to its end, in the team BERTH_TEAM names
        var updates = new ProcessBuilder("node", "deployment-updates.mjs", app, "--until-done").directory(EXAMPLES.toFile());
        updates.environment().putAll(Map.of("BERTH_URL", "http://127.0.0.1:" + server.getPort(), "BERTH_TOKEN", user().accessToken(),
                "BERTH_TEAM", user().teamId()));
        var updatesOut = Files.createTempFile("updates", ".out");
        var following = updates.redirectOutput(updatesOut.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long until = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until && !Files.readString(updatesOut).contains("SUCCEEDED")) Thread.sleep(50); // the latest, as it is now
        assertThat(Files.readString(updatesOut)).contains("#1 " + first + " SUCCEEDED");
        // two deployments queued at once: the second waits, and is cancelled before it starts
        var second = script("deploy-application.sh", app).path("deployApplication").path("deployment").path("id").asText();
        var third = script("deploy-application.sh", app).path("deployApplication").path("deployment");
        assertThat(third.path("queuePosition").asInt()).isPositive();
        assertThat(script("cancel-deployment.sh", third.path("id").asText()).path("cancelDeployment").path("deployment").path("status").asText())
                .isEqualTo("CANCELLED");
        assertThat(logs(server.getPort(), second).exit()).isZero(); // (rollback-application.sh runs in README's walkthrough)
        assertThat(following.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(following.exitValue()).as(Files.readString(updatesOut)).isZero();
        assertThat(Files.readString(updatesOut)).contains("#2 " + second + " SUCCEEDED");
        // --deployment: one that had ended before the stream began (and is not the latest) is reported, not waited for
        var ended = run(List.of("node", "deployment-updates.mjs", app, "--deployment", first), Map.of(), server.getPort());
        assertThat(ended.exit()).as(ended.err()).isZero();
        assertThat(ended.out()).contains("#1 " + first + " SUCCEEDED");
        // another team's id in BERTH_TEAM: refused, and said so
        var elsewhere = run(List.of("node", "deployment-updates.mjs", app), Map.of("BERTH_TEAM", java.util.UUID.randomUUID().toString()), server.getPort());
        assertThat(elsewhere.exit()).as(elsewhere.out()).isEqualTo(2);
        assertThat(elsewhere.err()).startsWith("deployment-updates: ");

        var registry = script("create-registry.sh", Map.of("BERTH_REGISTRY_PASSWORD", secret), "registry.example.test:5000", "ci")
                .path("createRegistry").path("registry").path("id").asText();
        assertThat(script("list-registries.sh").path("registries").toString()).contains("registry.example.test:5000").doesNotContain(secret);
        script("delete-registry.sh", registry);
        assertThat(script("delete-application.sh", app).path("deleteApplication").path("deletedApplicationId").asText()).isEqualTo(app);
    }

    @Test
    void berthLogsDeploysFollowsAndResumesAfterADroppedConnectionWithoutLosingOrRepeatingALine() throws Exception {
        var dir = Files.createTempDirectory("berth-repo-");
        var work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("Dockerfile"), "FROM " + TestDocker.IMAGE + "\n"
                + "RUN i=0; while [ $i -lt 40 ]; do echo build line $i; i=$((i+1)); sleep 0.05; done\nCMD [\"/bin/sleep\", \"3600\"]\n");
        for (var git : List.of(List.of("init", "-q", "-b", "main"), List.of("add", "."),
                List.of("-c", "user.email=ci@berth.test", "-c", "user.name=ci", "commit", "-q", "-m", "first"))) {
            var command = new ArrayList<>(List.of("git"));
            command.addAll(git);
            assertThat(new ProcessBuilder(command).directory(work.toFile()).start().waitFor()).isZero();
        }
        var sshd = TestSshd.get();
        var app = create(application("cli", Map.of("git", Map.of("repository", "ssh://" + sshd.user() + "@127.0.0.1:" + sshd.port() + work.resolve(".git"),
                "deployKeyId", deployKeyId))));
        try (var proxy = new DroppingProxy(server.getPort())) {
            var builder = new ProcessBuilder("node", "berth-logs.mjs", "--deploy", app).directory(EXAMPLES.toFile());
            builder.environment().put("BERTH_URL", "http://127.0.0.1:" + proxy.port());
            builder.environment().put("BERTH_TOKEN", user().accessToken());
            var out = Files.createTempFile("logs", ".out");
            var err = Files.createTempFile("logs", ".err");
            var process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !Files.readString(out).contains("build line 10")) Thread.sleep(50);
            assertThat(Files.readString(out)).as(Files.readString(err)).contains("build line 10");
            proxy.dropAll(); // mid-build: the CLI reconnects and resumes after its last line
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
            var printed = Files.readAllLines(out);
            assertThat(process.exitValue()).as(Files.readString(err) + printed).isZero();
            assertThat(Files.readString(err)).contains("reconnected: resuming after line");
            for (int i = 0; i < printed.size(); i++) {
                int seq = Integer.parseInt(printed.get(i).substring(0, printed.get(i).indexOf(' ')));
                assertThat(seq).as("line %d", i).isEqualTo(i + 1);
            }
            assertThat(String.join("\n", printed)).contains("build line 0").contains("build line 39");
        }
    }
}
