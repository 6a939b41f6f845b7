package dev.berth.api;

import dev.berth.errors.ErrorCode;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything that escapes a controller becomes a generic 500 in the GraphQL error shape; the detail goes to the
 * server log only. (Micronaut's default body would quote the exception, bean paths included.)
 */
@Singleton
@Produces(MediaType.APPLICATION_JSON)
@Requires(classes = ExceptionHandler.class)
final class UnhandledErrors implements ExceptionHandler<Exception, HttpResponse<Map<String, Object>>> {
    private static final Logger LOG = LoggerFactory.getLogger(UnhandledErrors.class);

    @Override
    public HttpResponse<Map<String, Object>> handle(HttpRequest request, Exception exception) {
        var requestId = RequestContext.newRequestId();
        LOG.error("event=unhandled requestId={} path={}", requestId, request.getPath(), exception);
        var error = Map.<String, Object>of("message", "Internal server error. Quote requestId " + requestId + " when reporting it.",
                "extensions", Map.of("code", ErrorCode.INTERNAL.name(), "requestId", requestId));
        return HttpResponse.<Map<String, Object>>status(HttpStatus.INTERNAL_SERVER_ERROR).body(Map.of("errors", List.of(error)));
    }
}
