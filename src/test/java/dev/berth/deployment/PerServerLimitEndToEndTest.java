package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.RealDaemons;
import dev.berth.testing.TestDocker;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A burst of deployments to one server never runs more than {@code berth.deployments.per-server} at once: five
 * applications deployed together on a server that allows two; every one still ends SUCCEEDED.
 */
@RealDaemons
@MicronautTest(transactional = false)
class PerServerLimitEndToEndTest extends DeploymentTestBase {
    private static final Set<String> STARTED = Set.of("PREPARING", "BUILDING", "STARTING", "HEALTH_CHECKING");

    @Override
    protected Map<String, String> overrides() {
        // the production poll (10 s): a deployment put off for want of room must start when room is made, not at a poll
        return Map.of("berth.deployments.network", "host", "berth.deployments.per-server", "2");
    }

    @Test
    void aBurstNeverRunsMoreThanTheServersLimitAtOnce() throws Exception {
        var apps = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            var input = application("burst" + i, Map.of("image", Map.of("image", TestDocker.IMAGE)));
            input.put("command", List.of("/bin/sleep", "3600"));
            apps.add(create(input));
        }
        var ids = new ArrayList<String>();
        var threads = new ArrayList<Thread>();
        for (var app : apps) threads.add(Thread.ofVirtual().start(() -> {
            var id = deploy(app);
            synchronized (ids) {
                ids.add(id);
            }
        }));
        for (var thread : threads) thread.join();

        // every status in one request (aliases), so sampling often stays within the caller's query budget
        var query = new StringBuilder("query {");
        for (int i = 0; i < ids.size(); i++) query.append(" d").append(i).append(": deployment(id: \"").append(ids.get(i)).append("\") { status }");
        query.append(" }");
        int most = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            int started = 0;
            int ended = 0;
            var sample = http().data(query.toString(), Map.of());
            for (int i = 0; i < ids.size(); i++) {
                var status = sample.path("d" + i).path("status").asText();
                if (STARTED.contains(status)) started++;
                if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) ended++;
            }
            most = Math.max(most, started);
            assertThat(started).as("deployments running at once on the server").isLessThanOrEqualTo(2);
            if (ended == ids.size()) break;
            Thread.sleep(50);
        }
        for (var id : ids) assertThat(deployment(id).path("status").asText()).as(deployment(id).toString()).isEqualTo("SUCCEEDED");
        assertThat(most).as("the server did run two at once").isEqualTo(2);
    }
}
