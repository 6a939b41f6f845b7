package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.TestDocker;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a user deletes stays deleted: deleting a project or an environment deletes its applications (gone by id at
 * once) and a job removes their containers from the server. Real sshd and dockerd.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class ProjectCascadeEndToEndTest extends DeploymentTestBase {
    private String runningApplication(String environment) {
        var input = application("cascade", Map.of("image", Map.of("image", TestDocker.IMAGE)));
        input.put("environmentId", environment);
        input.put("command", List.of("/bin/sleep", "3600"));
        var app = create(input);
        var id = deploy(app);
        follow(id, 0);
        assertThat(deployment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(containers(app)).isEqualTo(1);
        assertThat(images(app)).as("the image is kept for rollbacks").isEqualTo(1);
        return app;
    }

    private long containers(String app) {
        return docker().listContainersCmd().withShowAll(true).withLabelFilter(Map.of("berth.app", app)).exec().size();
    }

    private long images(String app) {
        // the tags themselves: the daemon's reference filter also answers an image that merely had such a tag
        return docker().listImagesCmd().exec().stream().filter(i -> i.getRepoTags() != null)
                .flatMap(i -> java.util.Arrays.stream(i.getRepoTags())).filter(tag -> tag.startsWith("berth/" + app + ":")).count();
    }

    private void assertGone(String app) throws InterruptedException {
        assertThat(http().post("query($id: ID!) { application(id: $id) { id } }", Map.of("id", app)).firstErrorCode()).isEqualTo("NOT_FOUND");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (containers(app) > 0 && System.nanoTime() < deadline) Thread.sleep(200);
        assertThat(containers(app)).as("its containers are removed from the server").isZero();
        while (images(app) > 0 && System.nanoTime() < deadline) Thread.sleep(200);
        assertThat(images(app)).as("its images kept for rollbacks are removed from the server").isZero();
    }

    @Test
    void deletingAProjectDeletesItsApplicationsAndTheirContainers() throws Exception {
        var project = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id environments { id } } } }",
                Map.of("n", uniqueName("doomed"))).path("createProject").path("project");
        var app = runningApplication(project.path("environments").get(0).path("id").asText());
        http().data("mutation($id: ID!) { deleteProject(input: {id: $id}) { deletedProjectId } }", Map.of("id", project.path("id").asText()));
        assertGone(app);
    }

    @Test
    void deletingAnEnvironmentDeletesItsApplicationsAndNoOthers() throws Exception {
        var project = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id environments { id } } } }",
                Map.of("n", uniqueName("half"))).path("createProject").path("project");
        var staging = http().data("mutation($p: ID!) { createEnvironment(input: {projectId: $p, name: \"staging\"}) { environment { id } } }",
                Map.of("p", project.path("id").asText())).path("createEnvironment").path("environment").path("id").asText();
        var kept = runningApplication(project.path("environments").get(0).path("id").asText());
        var doomed = runningApplication(staging);
        http().data("mutation($id: ID!) { deleteEnvironment(input: {id: $id}) { deletedEnvironmentId } }", Map.of("id", staging));
        assertGone(doomed);
        assertThat(http().post("query($id: ID!) { application(id: $id) { id } }", Map.of("id", kept)).firstErrorCode()).isNull();
        assertThat(containers(kept)).isEqualTo(1);
    }
}
