package dev.berth.api;

import dev.berth.errors.BerthException;
import dev.berth.runtime.ReadyGate;
import io.micronaut.health.HealthStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What anonymous callers see of the operator endpoints: {@code /health} gives its status only; its component
 * details and {@code /prometheus} need an operator, which is a bearer of {@code BERTH_METRICS_TOKEN} (what
 * Prometheus scrapes with) or of any credentials of the instance admin. The first {@code /health} answered UP opens
 * the {@link ReadyGate}.
 */
@ServerFilter({"/health", "/health/**", "/prometheus"})
final class OperatorEndpoints {
    private static final String OPERATOR = "berth.operator";

    private final CredentialThrottle viewers;
    private final MetricsToken metricsToken;
    private final ReadyGate ready;

    OperatorEndpoints(CredentialThrottle viewers, MetricsToken metricsToken, ReadyGate ready) {
        this.ready = ready;
        this.viewers = viewers;
        this.metricsToken = metricsToken;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable HttpResponse<?> check(HttpRequest<?> request) {
        var operator = operator(request);
        request.setAttribute(OPERATOR, operator);
        if (!operator && request.getPath().startsWith("/prometheus")) {
            return HttpResponse.unauthorized().contentType(MediaType.TEXT_PLAIN_TYPE)
                    .body("Metrics need BERTH_METRICS_TOKEN or the instance admin's credentials as a bearer token.\n");
        }
        return null;
    }

    /** Health for everyone else: the status, nothing about the components behind it. */
    @ResponseFilter
    void statusOnly(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!request.getPath().startsWith("/health") || !(response.getBody().orElse(null) instanceof HealthResult health)) return;
        if (HealthStatus.UP.equals(health.getStatus())) ready.ready();
        if (request.getAttribute(OPERATOR, Boolean.class).orElse(false)) return;
        response.body(Map.of("status", health.getStatus().getName()));
    }

    private boolean operator(HttpRequest<?> request) {
        var authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        var presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (metricsToken.presentedBy(presented)) return true;
        try {
            return viewers.resolve(authorization, null, GraphQLController.client(request)).instanceAdmin();
        } catch (BerthException refused) {
            return false;
        }
    }
}
