package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Docker operations later features need, through the SSH bridge: streamed builds, image inspect, exec, volumes. */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class DockerOperationsOverSshTest extends BerthTestBase {
    @Inject
    ServerCommands commands;

    private DockerClient docker;

    @BeforeAll
    void overSsh() {
        var sshd = TestSshd.get();
        var daemon = TestDocker.get();
        var server = ManagedServers.server(http(), sshd, ManagedServers.authorizedKey(http(), sshd, "ops"), sshd.port(), daemon.socket());
        docker = commands.docker(ManagedServers.ownerViewer(user()), server);
    }

    @Test
    void anImageBuildStreamsItsOutputAndTheImageCanBeInspected() throws Exception {
        var context = Files.createTempDirectory("berth-build-");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + TestDocker.IMAGE + "\nRUN echo built-by-berth > /marker\nCMD [\"/bin/cat\", \"/marker\"]\n");
        var tag = "berth-test/built:" + UUID.randomUUID().toString().substring(0, 8);
        var output = new CopyOnWriteArrayList<String>();
        var imageId = docker.buildImageCmd(context.toFile()).withTags(java.util.Set.of(tag))
                .exec(new BuildImageResultCallback() {
                    @Override
                    public void onNext(BuildResponseItem item) {
                        if (item.getStream() != null) output.add(item.getStream());
                        super.onNext(item);
                    }
                }).awaitImageId(120, TimeUnit.SECONDS);
        assertThat(output).isNotEmpty();
        assertThat(String.join("", output)).contains("Step 2/3");
        // awaitImageId gives the short id
        assertThat(docker.inspectImageCmd(tag).exec().getId()).startsWith("sha256:" + imageId.replaceFirst("^sha256:", ""));
        docker.removeImageCmd(tag).withForce(true).exec();
    }

    @Test
    void execInARunningContainerReturnsItsOutputAndExitCode() throws Exception {
        var container = docker.createContainerCmd(TestDocker.IMAGE).withCmd("/bin/sleep", "60")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")).exec().getId();
        docker.startContainerCmd(container).exec();
        try {
            var exec = docker.execCreateCmd(container).withCmd("/bin/sh", "-c", "echo from-exec; exit 3")
                    .withAttachStdout(true).withAttachStderr(true).exec();
            var out = new StringBuilder();
            docker.execStartCmd(exec.getId()).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload()));
                }
            }).awaitCompletion(30, TimeUnit.SECONDS);
            assertThat(out.toString()).contains("from-exec");
            assertThat(docker.inspectExecCmd(exec.getId()).exec().getExitCodeLong()).isEqualTo(3L);
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
        }
    }

    @Test
    void volumesAreCreatedLabelledListedAndRemoved() {
        var name = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
        docker.createVolumeCmd().withName(name).withLabels(Map.of("berth.test", "yes")).exec();
        var listed = docker.listVolumesCmd().withFilter("label", List.of("berth.test=yes")).exec().getVolumes();
        assertThat(listed).extracting(v -> v.getName()).contains(name);
        docker.removeVolumeCmd(name).exec();
        assertThat(docker.listVolumesCmd().withFilter("name", List.of(name)).exec().getVolumes()).isNullOrEmpty();
    }

}
