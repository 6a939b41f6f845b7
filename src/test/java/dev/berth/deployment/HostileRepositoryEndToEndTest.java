package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A repository is hostile: symbolic links that point the build context out of the checkout (relative or absolute), or
 * links inside the context to the deploy key and to the server's own files, never bring anything from outside the
 * commit into a build or its log; and the deploy key is gone from the server before the build starts. Real sshd, real
 * git, real dockerd.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class HostileRepositoryEndToEndTest extends DeploymentTestBase {
    private static final String PRINT_CONTEXT = "FROM " + TestDocker.IMAGE + "\nCOPY . /ctx\nRUN ls -laR /ctx; cat /ctx/* /ctx/*/* 2>&1; true\n"
            + "CMD [\"/bin/sleep\", \"3600\"]\n";

    @Test
    void aContextThatIsARelativeLinkOutOfTheCheckoutIsRefusedAndTheKeyNeverShows() throws Exception {
        var url = repository(Map.of("src/Dockerfile", PRINT_CONTEXT), Map.of("ctx", ".."));
        assertRefused(url, "ctx", "ctx/src/Dockerfile");
    }

    @Test
    void aContextThatIsAnAbsoluteLinkIsRefused() throws Exception {
        var url = repository(Map.of("Dockerfile", PRINT_CONTEXT), Map.of("ctx", "/"));
        assertRefused(url, "ctx", "ctx/Dockerfile");
    }

    @Test
    void aContextBelowALinkIsRefused() throws Exception {
        var url = repository(Map.of("src/Dockerfile", PRINT_CONTEXT), Map.of("up", "..", "up2", "/root"));
        assertRefused(url, "up/src", "up/src/Dockerfile");
        assertRefused(url, "up2/.ssh", "up2/.ssh/Dockerfile");
    }

    private void assertRefused(String url, String context, String dockerfile) {
        var app = create(application("ctx", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId, "context", context, "dockerfile", dockerfile))));
        var id = deploy(app);
        var lines = follow(id, 0);
        var state = deployment(id);
        assertThat(state.path("status").asText()).as(lines.toString()).isEqualTo("FAILED");
        assertThat(state.path("reason").asText()).contains("is not a directory of the commit");
        assertThat(lines.toString()).doesNotContain("PRIVATE KEY").doesNotContain("known_hosts");
    }

    @Test
    void linksInsideTheContextArePackedAsLinksAndReadNothingOfTheServer() throws Exception {
        var sentinel = Files.createTempFile("berth-sentinel-", ".txt");
        var secret = "SENTINEL-" + UUID.randomUUID();
        Files.writeString(sentinel, secret + "\n");
        try {
            var url = repository(Map.of("app/Dockerfile", PRINT_CONTEXT, "app/index.html", "inside\n"),
                    Map.of("app/key", "../../key", "app/up", "../..", "app/abs", sentinel.toString(), "app/root", "/"));
            var app = create(application("links", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId,
                    "context", "app", "dockerfile", "app/Dockerfile"))));
            var id = deploy(app);
            var lines = follow(id, 0);
            var text = lines.toString();
            assertThat(text).as("the build ran and printed its context").contains("index.html").contains("inside");
            assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain(secret).doesNotContain("known_hosts");
        } finally {
            Files.deleteIfExists(sentinel);
        }
    }

    @Test
    void theDeployKeyIsGoneFromTheServerBeforeTheBuildStarts() throws Exception {
        var marker = "berth-key-" + UUID.randomUUID().toString().substring(0, 8);
        var url = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\nRUN echo " + marker + " && sleep 2\nCMD [\"/bin/sleep\", \"3600\"]\n"));
        var app = create(application("key", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId))));
        var id = deploy(app);
        var work = Path.of(System.getProperty("user.home"), ".berth", "work", id);
        awaitBuildStep(marker);
        assertThat(work.resolve("src/Dockerfile")).as("the checkout is there").exists();
        assertThat(work.resolve("key")).as("the deploy key is not").doesNotExist();
        follow(id, 0);
        assertThat(deployment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(work).as("the work directory is removed").doesNotExist();
    }

    @Test
    void aServersKeyIsNeverADeployKeyNorADeployKeyAServersKey() {
        var refused = http().post("mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }",
                Map.of("i", application("srv", Map.of("git", Map.of("repository", "ssh://git@127.0.0.1/x.git", "deployKeyId", keyId)))));
        assertThat(refused.json().path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("BAD_USER_INPUT");
        assertThat(refused.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.source.git.deployKeyId");
        var server = http().post("mutation($i: CreateServerInput!) { createServer(input: $i) { server { id } } }",
                Map.of("i", Map.of("name", uniqueName("s"), "host", "127.0.0.1", "privateKeyId", deployKeyId)));
        assertThat(server.json().path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("BAD_USER_INPUT");
        assertThat(server.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.privateKeyId");
        var change = http().post("mutation($i: UpdateServerInput!) { updateServer(input: $i) { server { id } } }",
                Map.of("i", Map.of("id", serverId, "privateKeyId", deployKeyId)));
        assertThat(change.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.privateKeyId");
    }

    @Test
    void aDaemonErrorThatEchoesASecretIsMaskedInTheStoredReason() throws Exception {
        var secret = "echoed-secret-" + UUID.randomUUID();
        var url = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\nRUN echo " + secret + " >/dev/null && exit 3\n"));
        var app = create(application("reason", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId))));
        setVariables(app, java.util.List.of(Map.of("key", "TOKEN", "value", secret, "secret", true)));
        var id = deploy(app);
        var lines = follow(id, 0);
        var state = deployment(id);
        assertThat(state.path("status").asText()).isEqualTo("FAILED");
        assertThat(state.path("reason").asText()).as("the daemon's error is in the reason, masked").contains("***").doesNotContain(secret);
        assertThat(lines.toString()).doesNotContain(secret);
    }

    @Test
    void theGitHostsKeyIsPinnedAtTheFirstCloneAndAnotherKeyIsRefused() throws Exception {
        var url = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\nCMD [\"/bin/sleep\", \"3600\"]\n"));
        var app = create(application("pin", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId))));
        var first = deploy(app);
        var lines = follow(first, 0);
        assertThat(deployment(first).path("status").asText()).as(lines.toString()).isEqualTo("SUCCEEDED");
        assertThat(lines.toString()).contains("pinned the git host's key ssh-ed25519 " + TestSshd.get().hostKeyFingerprint());
        var source = "query($id: ID!) { application(id: $id) { source { ... on GitSource { repository hostKey } } } }";
        assertThat(http().data(source, Map.of("id", app)).path("application").path("source").path("hostKey").asText())
                .isEqualTo(TestSshd.get().hostPublicKey());

        // another key pinned (as if the host had been replaced): the clone is refused
        var otherKey = otherPublicKey();
        var update = "mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { source { ... on GitSource { hostKey } } } } }";
        var changed = http().data(update, Map.of("i", Map.of("id", app, "source", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId, "hostKey", otherKey + " a comment")))));
        assertThat(changed.toString()).contains(otherKey).doesNotContain("a comment");
        var refused = deploy(app);
        follow(refused, 0);
        var state = deployment(refused);
        assertThat(state.path("status").asText()).isEqualTo("FAILED");
        assertThat(state.path("reason").asText()).contains("presented a key other than the one pinned");

        // the same repository changed otherwise keeps its pin; a bad key is refused at input
        var kept = http().data(update, Map.of("i", Map.of("id", app, "source", Map.of("git", Map.of("repository", url, "ref", "main", "deployKeyId", deployKeyId)))));
        assertThat(kept.toString()).contains(otherKey);
        var bad = http().post(update, Map.of("i", Map.of("id", app, "source", Map.of("git", Map.of("repository", url, "hostKey", "ssh-ed25519 $(id)")))));
        assertThat(bad.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
    }

    private static String otherPublicKey() throws Exception {
        var dir = Files.createTempDirectory("berth-other-key-");
        try {
            var keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("k").toString()).redirectErrorStream(true).start();
            assertThat(keygen.waitFor()).isZero();
            var parts = Files.readString(dir.resolve("k.pub")).strip().split(" ");
            return parts[0] + " " + parts[1];
        } finally {
            dev.berth.testing.TempDirs.delete(dir);
        }
    }
}
