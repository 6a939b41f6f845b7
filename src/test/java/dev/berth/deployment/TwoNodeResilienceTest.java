package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthProcess;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestServers;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two more Berth nodes in JVMs of their own, on the same PostgreSQL and Redis; this test's node runs no jobs, so the
 * work happens elsewhere. The node running a deployment is killed with SIGKILL mid-way: the other node takes the job
 * over and finishes it. The log is followed on this node while another node writes it, and a subscriber that drops
 * and resumes with afterSeq gets every line exactly once.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class TwoNodeResilienceTest extends DeploymentTestBase {
    /** A PostgreSQL and a Redis of this class's own: its nodes take no job another class left behind. */
    private static final Map<String, String> SERVERS = TestServers.isolated();
    /** Fast heartbeats, so a dead node is noticed in seconds rather than the production 30. */
    private static final Map<String, String> WORKER = with(with(SERVERS, Map.of("berth.deployments.network", "host", "berth.jobs.heartbeat", "1s",
            "berth.jobs.missed-heartbeats", "4", "berth.jobs.polling-interval", "1s", "berth.jobs.shutdown-wait", "1s")),
            dev.berth.testing.SharedBudgetCheck.NODE_SETTINGS); // the nodes serve no other API calls: their small budget is the check's

    private static Map<String, String> with(Map<String, String> servers, Map<String, String> settings) {
        var all = new java.util.HashMap<>(servers);
        all.putAll(settings);
        return Map.copyOf(all);
    }

    @Override
    protected Map<String, String> overrides() {
        return with(SERVERS, Map.of("berth.deployments.network", "host", "berth.jobs.enabled", "false"));
    }

    private static String pickedBy(String deploymentId) throws Exception {
        var props = SERVERS;
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement("SELECT picked_by FROM scheduled_tasks WHERE task_name = 'deploy' AND task_instance LIKE ? AND picked")) {
            s.setString(1, "%:" + deploymentId);
            var rows = s.executeQuery();
            return rows.next() ? rows.getString(1) : null;
        }
    }

    @Test
    void aDeploymentWhoseNodeIsKilledIsFinishedByAnotherAndItsLogArrivesExactlyOnceAcrossAReconnect() throws Exception {
        // the nodes first: the application's port is chosen after they took theirs, so it cannot be one of them
        var nodes = BerthProcess.startTwo(WORKER);
        try (var first = nodes[0]; var second = nodes[1]) {
            int port = freePort();
            var input = application("survivor", Map.of("image", Map.of("image", TestDocker.IMAGE)));
            // the first container answers only after 6 s: the deployment spends that long health checking, time enough to
            // kill its node; the one the taking-over attempt starts finds the first one's mark in the volume and answers at once
            input.put("command", List.of("/bin/sh", "-c", "if [ ! -e /mark/first ]; then touch /mark/first; "
                    + "i=0; while [ $i -lt 30 ]; do echo warming $i; i=$((i+1)); sleep 0.2; done; fi; "
                    + "exec /bin/busybox httpd -f -p 127.0.0.1:" + port + " -h /bin"));
            input.put("volumes", List.of(Map.of("name", "mark", "mountPath", "/mark")));
            input.put("ports", List.of(Map.of("containerPort", port)));
            input.put("healthCheck", Map.of("path", "/echo", "port", port, "intervalSeconds", 1, "retries", 3, "startPeriodSeconds", 30));
            var app = create(input);

            var id = deploy(app);
            String picked = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !"HEALTH_CHECKING".equals(deployment(id).path("status").asText())) Thread.sleep(100);
            assertThat(deployment(id).path("status").asText()).isEqualTo("HEALTH_CHECKING");
            picked = pickedBy(id);
            var worker = picked.equals(first.jobNode()) ? first : second;
            var survivor = worker == first ? second : first;
            assertThat(picked).isIn(first.jobNode(), second.jobNode());

            // follow on this node (which runs no jobs), drop after a few lines, resume with afterSeq
            var seqs = new ArrayList<Integer>();
            try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
                ws.send(Map.of("id", "l", "type", "subscribe", "payload", Map.of(
                        "query", "subscription($d: ID!) { deploymentLogs(deploymentId: $d) { seq text } }", "variables", Map.of("d", id))));
                while (seqs.size() < 3) {
                    var message = ws.next(Duration.ofSeconds(30));
                    seqs.add(message.path("payload").path("data").path("deploymentLogs").path("seq").asInt());
                }
            }
            worker.kill(); // SIGKILL mid-deployment
            var resumed = follow(id, seqs.getLast());
            resumed.forEach(line -> seqs.add(line.path("seq").asInt()));

            var state = deployment(id);
            assertThat(state.path("status").asText()).as(state + "\n" + survivor.output()).isEqualTo("SUCCEEDED");
            for (int i = 0; i < seqs.size(); i++) assertThat(seqs.get(i)).as("seq %d exactly once, in order", i + 1).isEqualTo(i + 1);
            assertThat(resumed.toString()).contains("taking over from a node that stopped (attempt 2)");
            assertThat(docker().listContainersCmd().withLabelFilter(Map.of("berth.app", app)).exec()).as("one container serves").hasSize(1);
        }
    }

    /** The same for a git build killed mid-build: the other node clones afresh (the dead attempt's work dir is cleared) and builds. */
    @Test
    void aGitBuildWhoseNodeIsKilledMidBuildIsTakenOverAndSucceeds() throws Exception {
        var marker = "berth-takeover-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        var url = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\nRUN echo " + marker + " && sleep 4\nCMD [\"/bin/sleep\", \"3600\"]\n"));
        var app = create(application("gitover", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId))));
        var nodes = BerthProcess.startTwo(WORKER);
        try (var first = nodes[0]; var second = nodes[1]) {
            var id = deploy(app);
            awaitBuildStep(marker); // the build's RUN step runs on the daemon
            var picked = pickedBy(id);
            assertThat(picked).isIn(first.jobNode(), second.jobNode());
            var worker = picked.equals(first.jobNode()) ? first : second;
            var survivor = worker == first ? second : first;
            worker.kill(); // SIGKILL mid-build
            var lines = follow(id, 0);
            var state = deployment(id);
            assertThat(state.path("status").asText()).as(state + "\n" + lines + "\n" + survivor.output()).isEqualTo("SUCCEEDED");
            assertThat(lines.toString()).contains("taking over from a node that stopped (attempt 2)");
            var work = java.nio.file.Path.of(System.getProperty("user.home"), ".berth", "work", id);
            assertThat(work).as("nothing left on the server").doesNotExist();
        }
    }

    /**
     * A node stopped gracefully (SIGTERM) while it runs a deployment hands it over: the other node takes it over and it
     * succeeds; the shutdown never ends it FAILED.
     */
    @Test
    void aDeploymentWhoseNodeIsStoppedGracefullyIsHandedOver() throws Exception {
        // the nodes first: the application's port is chosen after they took theirs, so it cannot be one of them
        var nodes = BerthProcess.startTwo(WORKER);
        try (var first = nodes[0]; var second = nodes[1]) {
            int port = freePort();
            var input = application("handover", Map.of("image", Map.of("image", TestDocker.IMAGE)));
            // the first container answers only after 12 s: longer than the stopping node waits for its running jobs
            // (2 x 1 s); the one the taking-over attempt starts finds the mark the first left in the volume and answers at once
            input.put("command", List.of("/bin/sh", "-c", "if [ ! -e /mark/first ]; then touch /mark/first; sleep 12; fi; "
                    + "exec /bin/busybox httpd -f -p 127.0.0.1:" + port + " -h /bin"));
            input.put("volumes", List.of(Map.of("name", "mark", "mountPath", "/mark")));
            input.put("ports", List.of(Map.of("containerPort", port)));
            input.put("healthCheck", Map.of("path", "/echo", "port", port, "intervalSeconds", 1, "retries", 3, "startPeriodSeconds", 60));
            var app = create(input);
            var id = deploy(app);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !"HEALTH_CHECKING".equals(deployment(id).path("status").asText())) Thread.sleep(100);
            var picked = pickedBy(id);
            assertThat(picked).isIn(first.jobNode(), second.jobNode());
            var worker = picked.equals(first.jobNode()) ? first : second;
            var survivor = worker == first ? second : first;
            // while the first container sleeps (12 s), both nodes are up: the cost budget they share holds across them
            dev.berth.testing.SharedBudgetCheck.overTwoNodes(first, second, dev.berth.testing.TestUsers.signUp(server.getURI()),
                    dev.berth.testing.TestUsers.signUp(server.getURI())); // fresh users: nothing spent yet
            worker.terminate(); // SIGTERM mid-deployment
            var lines = follow(id, 0);
            var state = deployment(id);
            assertThat(state.path("status").asText()).as(state + "\n" + lines + "\n" + worker.output() + "\n" + survivor.output())
                    .isEqualTo("SUCCEEDED");
            assertThat(lines.toString()).as(worker.output()).contains("this node is stopping; another node takes the deployment over")
                    .contains("taking over from a node that stopped (attempt 2)");
        }
    }
}
