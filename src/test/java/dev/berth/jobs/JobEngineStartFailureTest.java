package dev.berth.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The job engine starts beside the server; a job that cannot be created (here: one whose constructor fails, as a
 * bad setting or a bug would make it) no longer stops the node from starting, so it must not pass unseen: the node
 * answers, but /health says DOWN, and names the job engine to an operator.
 */
@MicronautTest(transactional = false)
class JobEngineStartFailureTest extends BerthTestBase {
    private static final String METRICS_TOKEN = "prom-5c1e9a7b3d2f8064be21d4f7a6c30b5e";

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.test.failing-job", "true", "berth.metrics.token", METRICS_TOKEN);
    }

    /** A job that cannot be created. */
    @jakarta.inject.Singleton
    @io.micronaut.context.annotation.Requires(property = "berth.test.failing-job", value = "true")
    static final class FailingJob implements Job {
        FailingJob() {
            throw new IllegalStateException("this job cannot be created");
        }

        @Override
        public com.github.kagkarlsson.scheduler.task.Task<?> task() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aJobThatCannotBeCreatedTurnsHealthDown() throws Exception {
        var client = new GraphQLHttp(server.getURI(), METRICS_TOKEN, null);
        var health = client.raw("GET", "/health", null, "application/json", null);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (health.status() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            health = client.raw("GET", "/health", null, "application/json", null);
        }
        assertThat(health.status()).as(health.body()).isEqualTo(503);
        assertThat(health.json().path("details").path("jobs").path("status").asText()).isEqualTo("DOWN");
        assertThat(health.json().path("details").path("postgres").path("status").asText()).isEqualTo("UP");
        assertThat(anonymous().data("{ __typename }", Map.of()).path("__typename").asText()).as("the API still answers").isEqualTo("Query");
    }
}
