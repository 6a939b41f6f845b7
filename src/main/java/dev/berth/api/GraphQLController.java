package dev.berth.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;
import dev.berth.errors.RateLimitedException;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.language.OperationDefinition.Operation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GraphQL over HTTP at {@code /graphql}: POST with a JSON body for every operation, GET for queries only.
 * Nothing executes for a body that is not JSON (CSRF), a batch, or a document that fails the checks.
 */
@Controller("/graphql")
@ExecuteOn(TaskExecutors.BLOCKING)
final class GraphQLController {
    private final GraphQLRunner runner;
    private final CredentialThrottle viewers;
    private final ObjectMapper json;
    private final ResultWriter results;
    private final CostBudget budget;

    GraphQLController(GraphQLRunner runner, CredentialThrottle viewers, ObjectMapper json, CostBudget budget) {
        this.runner = runner;
        this.viewers = viewers;
        this.json = json;
        this.results = new ResultWriter(json);
        this.budget = budget;
    }

    @Post(consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> post(HttpRequest<?> http, @Body @Nullable byte[] body) {
        var requestId = RequestContext.newRequestId();
        var type = HttpRules.negotiate(http.getHeaders().get(HttpHeaders.ACCEPT)).orElse(null);
        if (type == null) return notAcceptable(requestId);
        if (!HttpRules.acceptsBody(http.getHeaders().get(HttpHeaders.CONTENT_TYPE))) {
            return reject(415, type, requestId, "The body must be application/json in UTF-8.");
        }
        if (body == null || body.length == 0) return reject(400, type, requestId, "A JSON body is required.");
        Object decoded;
        try {
            decoded = json.readValue(body, Object.class);
        } catch (IOException e) {
            return reject(400, type, requestId, "The body is not valid JSON.");
        }
        return handle(http, decoded, type, requestId, false);
    }

    @Get(produces = MediaType.ALL)
    HttpResponse<byte[]> get(HttpRequest<?> http) {
        var requestId = RequestContext.newRequestId();
        var type = HttpRules.negotiate(http.getHeaders().get(HttpHeaders.ACCEPT)).orElse(null);
        if (type == null) return notAcceptable(requestId);
        var params = http.getParameters();
        var decoded = new HashMap<String, Object>();
        decoded.put("query", params.get("query"));
        decoded.put("operationName", params.get("operationName"));
        for (var name : List.of("variables", "extensions")) {
            var raw = params.get(name);
            if (raw == null) continue;
            try {
                decoded.put(name, json.readValue(raw, Object.class));
            } catch (IOException e) {
                return reject(400, type, requestId, "The '" + name + "' parameter is not valid JSON.");
            }
        }
        return handle(http, decoded, type, requestId, true);
    }

    private HttpResponse<byte[]> handle(HttpRequest<?> http, Object decoded, String type, String requestId, boolean viaGet) {
        OperationRequest request;
        try {
            request = OperationRequest.from(decoded);
        } catch (RequestRejectedException e) {
            return reject(400, type, requestId, e.getMessage());
        }
        switch (runner.prepare(request, requestId)) {
            case GraphQLRunner.Rejected rejected -> {
                runner.countRejected(rejected.stage().name().toLowerCase());
                var errors = rejected.errors().stream().map(e -> ErrorMapping.specification(e, requestId)).toList();
                return respond(HttpRules.rejectedStatus(type), type, requestId, Map.of("errors", errors));
            }
            case GraphQLRunner.Ready ready -> {
                if (viaGet && ready.operation() != Operation.QUERY) {
                    return respond(405, type, requestId, errors(ErrorCode.METHOD_NOT_ALLOWED,
                            "Only queries may use GET; send mutations with POST.", requestId))
                            .header(HttpHeaders.ALLOW, "POST");
                }
                if (ready.operation() == Operation.SUBSCRIPTION) {
                    return reject(400, type, requestId, "Subscriptions are served over graphql-ws at /graphql-ws.");
                }
                Viewer viewer;
                try {
                    viewer = viewers.resolve(http.getHeaders().get(HttpHeaders.AUTHORIZATION),
                            http.getHeaders().get("X-Berth-Team"), client(http));
                    budget.spend(viewer, ready.cost());
                } catch (RateLimitedException e) {
                    runner.countRejected("rate-limited");
                    var body = Map.<String, Object>of("errors", List.of(ErrorMapping.specification(ErrorMapping.toError(e, requestId,
                            graphql.execution.ResultPath.rootPath(), List.of()), requestId)));
                    return respond(429, type, requestId, body).header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, e.retryAfter().toSeconds())));
                } catch (BerthException e) {
                    return respond(401, type, requestId, errors(e.code(), e.getMessage(), requestId));
                }
                ExecutionResult result = runner.execute(ready, viewer, requestId);
                var status = ErrorMapping.refusedBeforeExecution(result) ? HttpRules.rejectedStatus(type) : 200;
                return respond(status, type, requestId, ErrorMapping.specification(result, requestId));
            }
        }
    }

    /** The caller's address (the socket peer: put a trusted proxy's header handling here when one is added) and agent. */
    static Viewer.Client client(HttpRequest<?> http) {
        var address = http.getRemoteAddress().getAddress();
        return new Viewer.Client(address == null ? null : address.getHostAddress(), http.getHeaders().get(HttpHeaders.USER_AGENT));
    }

    private HttpResponse<byte[]> notAcceptable(String requestId) {
        return respond(406, HttpRules.JSON, requestId, errors(ErrorCode.BAD_REQUEST,
                "Accept application/graphql-response+json or application/json.", requestId));
    }

    private HttpResponse<byte[]> reject(int status, String type, String requestId, String message) {
        runner.countRejected("request");
        return respond(status, type, requestId, errors(ErrorCode.BAD_REQUEST, message, requestId));
    }

    private static Map<String, Object> errors(ErrorCode code, String message, String requestId) {
        GraphQLError error = ErrorMapping.requestError(code, message, requestId, List.of());
        return Map.of("errors", List.of(ErrorMapping.specification(error, requestId)));
    }

    private MutableHttpResponse<byte[]> respond(int status, String type, String requestId, Map<String, Object> body) {
        return HttpResponse.<byte[]>status(HttpStatus.valueOf(status))
                .contentType(type + ";charset=utf-8")
                .header("X-Request-Id", requestId)
                .body(results.bytes(body));
    }
}
