package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Viewer;
import dev.berth.storage.TeamTransactions;
import dev.berth.testing.TestDocker;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * When a deployment's attempts run out (its nodes kept dying), the last one leaves nothing behind on the server: the
 * earlier attempts' container and a git build's work directory (deploy key included). The job engine is off here:
 * the test plays the earlier attempt and runs the last one itself, on the real sshd and dockerd.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class MaxAttemptsEndToEndTest extends DeploymentTestBase {
    @Inject
    DeployJob job;
    @Inject
    DeploymentRows rows;
    @Inject
    TeamTransactions transactions;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.deployments.network", "host", "berth.jobs.enabled", "false", "berth.deployments.max-attempts", "1");
    }

    @Test
    void theLastAttemptRemovesWhatTheEarlierOnesLeft() throws Exception {
        var url = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\nCMD [\"/bin/sleep\", \"3600\"]\n"));
        var app = create(application("spent", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId))));
        var id = UUID.fromString(deploy(app));
        var team = UUID.fromString(user().teamId());
        var system = Viewer.system(team, "test");
        // what a first attempt left when its node died: its container and its work directory with the key
        transactions.write(system, () -> rows.nextAttempt(team, id));
        var left = docker().createContainerCmd(TestDocker.IMAGE).withCmd("/bin/sleep", "600")
                .withLabels(Map.of("berth.app", app, "berth.deployment", id.toString())).exec().getId();
        docker().startContainerCmd(left).exec();
        var work = Path.of(System.getProperty("user.home")).resolve(DeploymentPlanner.workDir(id));
        Files.createDirectories(work.resolve("src"));
        Files.writeString(work.resolve("key"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");

        assertThat(job.run(system, id)).isTrue();

        var state = deployment(id.toString());
        assertThat(state.path("status").asText()).isEqualTo("FAILED");
        assertThat(state.path("reason").asText()).isEqualTo("the node running it stopped 1 times");
        assertThat(docker().listContainersCmd().withShowAll(true).withLabelFilter(Map.of("berth.deployment", id.toString())).exec()).isEmpty();
        assertThat(work).doesNotExist();
    }
}
