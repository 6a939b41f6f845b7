package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.SshKeys;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's "Your first deployment", run as written: its {@code sh walkthrough} blocks, one after another in one bash,
 * against the real sshd and dockerd. Only the values a reader sets for their own server and image (the block before)
 * are the test's: its sshd, its dockerd (no bridge: HOST), a key its sshd accepts, an image that serves its GREETING,
 * and a repository it serves over SSH with a deploy key.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class ReadmeWalkthroughTest extends DeploymentTestBase {
    private static final Pattern BLOCK = Pattern.compile("```sh walkthrough\n(.*?)```", Pattern.DOTALL);

    /** The walkthrough's blocks, in order, as one script. */
    static String walkthrough() throws java.io.IOException {
        var blocks = new ArrayList<String>();
        var matcher = BLOCK.matcher(Files.readString(Path.of("README.md")));
        while (matcher.find()) blocks.add(matcher.group(1));
        assertThat(blocks).as("the walkthrough's blocks").hasSizeGreaterThanOrEqualTo(4);
        return String.join("\n", blocks);
    }

    @Test
    void theFirstDeploymentRunsAsWritten() throws Exception {

        var sshd = TestSshd.get();
        var serverKey = SshKeys.generate("ed25519");
        sshd.authorize(Files.readString(Path.of(serverKey.privateKey() + ".pub")));
        var deployKey = SshKeys.generate("ed25519");
        sshd.authorize(Files.readString(Path.of(deployKey.privateKey() + ".pub"))); // the test sshd also serves the repository
        int port = freePort();
        var repository = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\nCMD [\"/bin/sleep\", \"3600\"]\n"));

        var env = new java.util.LinkedHashMap<String, String>();
        env.put("BERTH_URL", "http://127.0.0.1:" + server.getPort());
        env.put("BERTH_TOKEN", user().accessToken());
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("SERVER_PORT", String.valueOf(sshd.port()));
        env.put("SERVER_USER", sshd.user());
        env.put("DOCKER_SOCKET", TestDocker.get().socket());
        env.put("NETWORK_MODE", "HOST"); // the test daemon runs with --bridge=none
        env.put("SSH_KEY_FILE", serverKey.privateKey().toString());
        env.put("IMAGE", greetingImage(port));
        env.put("PORT", String.valueOf(port));
        env.put("GIT_REPOSITORY", repository);
        env.put("DEPLOY_KEY_FILE", deployKey.privateKey().toString());

        var script = Files.createTempFile("walkthrough", ".sh");
        Files.writeString(script, "set -euo pipefail\n" + walkthrough());
        var out = Files.createTempFile("walkthrough", ".out");
        var err = Files.createTempFile("walkthrough", ".err");
        var builder = new ProcessBuilder("bash", script.toString()).directory(Path.of("").toAbsolutePath().toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        var process = builder.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the walkthrough did not finish: " + Files.readString(err));
        }
        var stdout = Files.readString(out, StandardCharsets.UTF_8);
        var stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(stdout + "\n" + stderr).isZero();
        var lines = stdout.lines().toList();
        assertThat(stdout).as("validation followed live, every step passed").contains("ok   network: networkMode HOST").contains("result: REACHABLE");
        assertThat(lines.stream().filter(l -> l.equals("hello") || l.equals("bonjour")).toList())
                .as("the app answered with each deployment's variables: first, changed, rolled back").containsExactly("hello", "bonjour", "hello");
        assertThat(lines).as("the application's own output").anyMatch(l -> l.startsWith("STDOUT serving"));
        assertThat(lines).as("both applications run").contains("web RUNNING", "api RUNNING");
        assertThat(stdout + stderr).as("the secret never shows").doesNotContain("not-for-logs");
    }

    /** An image serving $GREETING at / on {@code port}, saying so on its output, and stopping at once on SIGTERM. */
    private String greetingImage(int port) throws Exception {
        var dir = Files.createTempDirectory("greeting");
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + TestDocker.IMAGE + "\n"
                + "CMD [\"/bin/sh\", \"-c\", \"mkdir -p /www; echo \\\"$GREETING\\\" > /www/index.html; echo serving \\\"$GREETING\\\" on " + port
                + "; trap 'exit 0' TERM; /bin/busybox httpd -f -p " + port + " -h /www & wait\"]\n");
        var tag = "berth-test/greeting:" + port;
        docker().buildImageCmd(dir.toFile()).withTags(Set.of(tag)).start().awaitImageId();
        return tag;
    }
}
