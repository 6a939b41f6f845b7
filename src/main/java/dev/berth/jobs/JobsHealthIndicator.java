package dev.berth.jobs;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * DOWN when the job engine could not start (a job that cannot be created): the node answers the API but runs no
 * deployment, which an orchestrator must see. UP while it starts (beside the server) and once it runs.
 */
@Singleton
final class JobsHealthIndicator implements HealthIndicator {
    private final JobEngine engine;

    JobsHealthIndicator(JobEngine engine) {
        this.engine = engine;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.fromSupplier(() -> {
            var failure = engine.failure();
            if (failure == null) return HealthResult.builder("jobs", HealthStatus.UP).build();
            return HealthResult.builder("jobs", HealthStatus.DOWN).details(Map.of("error", failure.getClass().getSimpleName())).build();
        });
    }
}
