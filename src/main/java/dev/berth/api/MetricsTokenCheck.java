package dev.berth.api;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;

/**
 * Refuses a weak {@code BERTH_METRICS_TOKEN} at start-up, as the other secrets are, rather than at the first scrape
 * (the operator filter that uses it is made on the first request). Depends on nothing else, so making it early
 * changes no other bean's order.
 */
@Context
final class MetricsTokenCheck {
    MetricsTokenCheck(@Nullable @Value("${berth.metrics.token:}") String metricsToken) {
        if (metricsToken != null && !metricsToken.isBlank()) require(metricsToken);
    }

    static void require(String metricsToken) {
        dev.berth.secrets.SecretStrength.requireStrongText("BERTH_METRICS_TOKEN", metricsToken);
    }
}
