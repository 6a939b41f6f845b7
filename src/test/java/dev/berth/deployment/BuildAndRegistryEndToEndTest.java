package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.AuthConfig;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestRegistry;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A git + Dockerfile application cloned from a repository the test sshd serves (with a deploy key) and built on the
 * daemon, with a build argument that never shows in any process's argv (secrets are refused as build arguments); a cancel that stops a build on the
 * daemon; an image pulled from a real private registry with credentials.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class BuildAndRegistryEndToEndTest extends DeploymentTestBase {
    private static final String BUILD_SECRET = "build-secret-" + UUID.randomUUID();

    /** Every process's argv on this machine, sampled until stopped, looking for {@code needle}. */
    private static final class ArgvWatch implements AutoCloseable {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        int samples;
        private final Thread thread;

        ArgvWatch(String needle) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running.get()) {
                    try (var procs = Files.list(Path.of("/proc"))) {
                        for (var proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                            try {
                                var argv = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                                if (argv.contains(needle)) seen.add(argv);
                            } catch (java.io.IOException gone) {
                                // the process ended meanwhile
                            }
                        }
                        samples++;
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }

    @Test
    void aPrivateRepositoryIsClonedWithItsDeployKeyBuiltAndServedAndItsBuildArgumentIsInNoArgv() throws Exception {
        int port = freePort();
        var url = repository(Map.of(
                "app/Dockerfile", "FROM " + TestDocker.IMAGE + "\nARG NPM_TOKEN\nRUN echo \"token has ${#NPM_TOKEN} characters\" && sleep 2\n"
                        + "COPY index.html /www/index.html\nCMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"127.0.0.1:" + port + "\", \"-h\", \"/www\"]\n",
                "app/index.html", "built from git\n"));
        var input = application("git", Map.of("git", Map.of("repository", url, "ref", "main", "dockerfile", "app/Dockerfile",
                "context", "app", "deployKeyId", deployKeyId)));
        input.put("ports", List.of(Map.of("containerPort", port)));
        input.put("healthCheck", Map.of("path", "/index.html", "port", port, "intervalSeconds", 1, "retries", 3, "startPeriodSeconds", 0));
        var app = create(input);
        setVariables(app, List.of(Map.of("key", "NPM_TOKEN", "value", BUILD_SECRET, "buildTime", true)));
        List<com.fasterxml.jackson.databind.JsonNode> lines;
        String id;
        try (var watch = new ArgvWatch(BUILD_SECRET)) {
            id = deploy(app);
            lines = follow(id, 0);
            watch.close();
            assertThat(watch.samples).as("argv was sampled during the build").isGreaterThan(5);
            assertThat(watch.seen).as("no process had the secret in its argv").isEmpty();
        }
        var state = deployment(id);
        assertThat(state.path("status").asText()).as(state + " " + lines).isEqualTo("SUCCEEDED");
        assertThat(lines.toString()).contains("token has " + BUILD_SECRET.length() + " characters").contains("building commit");
        var recorded = http().data("query($id: ID!) { deployment(id: $id) { commit startedAt finishedAt } }", Map.of("id", id)).path("deployment");
        assertThat(recorded.path("commit").asText()).as("the commit built is recorded").matches("[0-9a-f]{40}");
        assertThat(lines.toString()).contains("building commit " + recorded.path("commit").asText());
        assertThat(recorded.path("startedAt").isNull()).as("a git deployment has a start (it never is PREPARING)").isFalse();
        assertThat(lines.toString()).doesNotContain(BUILD_SECRET);
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            var body = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/index.html")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).isEqualTo("built from git\n");
        }
    }

    @Test
    void aCancelDuringABuildStopsTheBuildOnTheDaemon() throws Exception {
        var marker = "berth-cancel-" + UUID.randomUUID().toString().substring(0, 8);
        var url = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\nRUN echo " + marker + " && sleep 120\n"));
        var app = create(application("slow", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId))));
        var id = deploy(app);
        awaitBuildStep(marker);
        var cancelled = http().data("mutation($id: ID!) { cancelDeployment(input: {id: $id}) { deployment { status cancelRequested } } }", Map.of("id", id))
                .path("cancelDeployment").path("deployment");
        assertThat(cancelled.path("cancelRequested").asBoolean()).isTrue();
        follow(id, 0);
        assertThat(deployment(id).path("status").asText()).isEqualTo("CANCELLED");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && buildContainers(marker) > 0) Thread.sleep(200);
        assertThat(buildContainers(marker)).as("no build step still runs on the daemon").isZero();
    }


    @Test
    void anImageFromAPrivateRegistryIsPulledWithItsCredentialsAndRefusedWithout() throws Exception {
        var registry = TestRegistry.get();
        var image = registry.host() + "/berth/private:" + UUID.randomUUID().toString().substring(0, 8);
        var auth = new AuthConfig().withRegistryAddress(registry.host()).withUsername(TestRegistry.USER).withPassword(registry.password());
        var repositoryName = image.substring(0, image.lastIndexOf(':'));
        var tag = image.substring(image.lastIndexOf(':') + 1);
        docker().tagImageCmd(TestDocker.IMAGE, repositoryName, tag).exec();
        docker().pushImageCmd(image).withAuthConfig(auth).start().awaitCompletion(60, TimeUnit.SECONDS);
        docker().removeImageCmd(image).exec(); // the deployment must pull it

        var withoutCredentials = application("anon", Map.of("image", Map.of("image", image)));
        withoutCredentials.put("command", List.of("/bin/sleep", "600"));
        var anonymous = deploy(create(withoutCredentials));
        follow(anonymous, 0);
        assertThat(deployment(anonymous).path("status").asText()).as("a private image needs its credentials").isEqualTo("FAILED");

        var registryId = http().data("mutation($u: String!, $p: String!, $h: String!) { createRegistry(input: {url: $h, username: $u, password: $p}) { registry { id url } } }",
                Map.of("u", TestRegistry.USER, "p", registry.password(), "h", registry.host())).path("createRegistry").path("registry").path("id").asText();
        var withCredentials = application("private", Map.of("image", Map.of("image", image, "registryId", registryId)));
        withCredentials.put("command", List.of("/bin/sleep", "600"));
        var id = deploy(create(withCredentials));
        var lines = follow(id, 0);
        assertThat(deployment(id).path("status").asText()).as(lines.toString()).isEqualTo("SUCCEEDED");
        assertThat(lines.toString()).doesNotContain(registry.password());
        var listed = http().data("{ registries { url username } }", Map.of()).path("registries");
        assertThat(listed.toString()).contains(registry.host()).doesNotContain(registry.password());
    }
}
