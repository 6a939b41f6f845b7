package dev.berth.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;
import dev.berth.errors.RateLimitedException;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.language.OperationDefinition.Operation;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GraphQL over HTTP apart from any HTTP stack: what {@code /graphql} answers to a POST body or to GET parameters.
 * Nothing executes for a body that is not JSON (CSRF), a batch, or a document that fails the checks. The thin Netty
 * route ({@link GraphQLRoute}) and the controller behind Micronaut's router ({@link GraphQLController}) both adapt it,
 * so the two answer alike.
 */
@Singleton
final class GraphQLExchange {
    private static final Logger LOG = LoggerFactory.getLogger(GraphQLExchange.class);

    /** What the exchange reads of a request: four headers and the caller. */
    record Ask(@Nullable String accept, @Nullable String contentType, @Nullable String authorization,
               @Nullable String team, Viewer.Client client) {}

    /** What a request comes to: its answer, or the rest of its work, which is slow. */
    sealed interface Outcome permits Answer, Slow {
        /** The answer, making it here if the work is left (the controller's way: it runs on the blocking pool anyway). */
        default Answer answer() {
            return switch (this) {
                case Answer answer -> answer;
                case Slow slow -> slow.rest().get();
            };
        }
    }

    /** The answer: status, media type (charset included), the request id, a JSON body, and extra headers. */
    record Answer(int status, String contentType, String requestId, byte[] body, Map<String, String> headers) implements Outcome {}

    /**
     * Checked, authenticated and charged, but slow to run (an {@code @ownTransaction} field: it asks a server, hashes a
     * password): the route runs {@code rest} on the blocking pool, so the few fast workers never wait for it.
     */
    record Slow(java.util.function.Supplier<Answer> rest) implements Outcome {}

    private final GraphQLRunner runner;
    private final CredentialThrottle viewers;
    private final ObjectMapper json;
    private final ResultWriter results;
    private final CostBudget budget;

    GraphQLExchange(GraphQLRunner runner, CredentialThrottle viewers, ObjectMapper json, CostBudget budget) {
        this.runner = runner;
        this.viewers = viewers;
        this.json = json;
        this.results = new ResultWriter(json);
        this.budget = budget;
    }

    Outcome post(Ask ask, @Nullable byte[] body) {
        var requestId = RequestContext.newRequestId();
        var type = HttpRules.negotiate(ask.accept()).orElse(null);
        if (type == null) return notAcceptable(requestId);
        if (!HttpRules.acceptsBody(ask.contentType())) {
            return reject(415, type, requestId, "The body must be application/json in UTF-8.");
        }
        if (body == null || body.length == 0) return reject(400, type, requestId, "A JSON body is required.");
        Object decoded;
        try {
            decoded = json.readValue(body, Object.class);
        } catch (IOException e) {
            return reject(400, type, requestId, "The body is not valid JSON.");
        }
        return handle(ask, decoded, type, requestId, false);
    }

    /** A GET: {@code parameter} gives the first value of a query-string parameter, or null. */
    Outcome get(Ask ask, Function<String, String> parameter) {
        var requestId = RequestContext.newRequestId();
        var type = HttpRules.negotiate(ask.accept()).orElse(null);
        if (type == null) return notAcceptable(requestId);
        var decoded = new HashMap<String, Object>();
        decoded.put("query", parameter.apply("query"));
        decoded.put("operationName", parameter.apply("operationName"));
        for (var name : List.of("variables", "extensions")) {
            var raw = parameter.apply(name);
            if (raw == null) continue;
            try {
                decoded.put(name, json.readValue(raw, Object.class));
            } catch (IOException e) {
                return reject(400, type, requestId, "The '" + name + "' parameter is not valid JSON.");
            }
        }
        return handle(ask, decoded, type, requestId, true);
    }

    /** A body over the size limit, refused before it is read to the end (needs nothing built: no schema, no runner). */
    static Answer tooLarge(long limit) {
        var requestId = RequestContext.newRequestId();
        return plain(413, HttpRules.JSON, requestId, errors(ErrorCode.DOCUMENT_TOO_LARGE,
                "The request body exceeds " + limit + " bytes.", requestId), Map.of());
    }

    /** A request the route could not read (an undecodable body, a malformed query string): 400. */
    static Answer badRequest(String message) {
        var requestId = RequestContext.newRequestId();
        return plain(400, HttpRules.JSON, requestId, errors(ErrorCode.BAD_REQUEST, message, requestId), Map.of());
    }

    /** Anything that escaped: a generic 500, the detail in the server log only. */
    static Answer failed(Throwable failure) {
        var requestId = RequestContext.newRequestId();
        LOG.error("event=unhandled requestId={} path=/graphql", requestId, failure);
        return plain(500, HttpRules.JSON, requestId, errors(ErrorCode.INTERNAL,
                "Internal server error. Quote requestId " + requestId + " when reporting it.", requestId), Map.of());
    }

    private Outcome handle(Ask ask, Object decoded, String type, String requestId, boolean viaGet) {
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
                return respond(HttpRules.rejectedStatus(type), type, requestId, Map.of("errors", errors), Map.of());
            }
            case GraphQLRunner.Ready ready -> {
                if (viaGet && ready.operation() != Operation.QUERY) {
                    return respond(405, type, requestId, errors(ErrorCode.METHOD_NOT_ALLOWED,
                            "Only queries may use GET; send mutations with POST.", requestId), Map.of("Allow", "POST"));
                }
                if (ready.operation() == Operation.SUBSCRIPTION) {
                    return reject(400, type, requestId, "Subscriptions are served over graphql-ws at /graphql-ws.");
                }
                Viewer viewer;
                try {
                    viewer = viewers.resolve(ask.authorization(), ask.team(), ask.client());
                    budget.spend(viewer, ready.cost());
                } catch (RateLimitedException e) {
                    runner.countRejected("rate-limited");
                    var body = Map.<String, Object>of("errors", List.of(ErrorMapping.specification(ErrorMapping.toError(e, requestId,
                            graphql.execution.ResultPath.rootPath(), List.of()), requestId)));
                    return respond(429, type, requestId, body,
                            Map.of("Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds()))));
                } catch (BerthException e) {
                    return respond(401, type, requestId, errors(e.code(), e.getMessage(), requestId), Map.of());
                }
                if (ready.slow()) return new Slow(() -> execute(ready, viewer, type, requestId));
                return execute(ready, viewer, type, requestId);
            }
        }
    }

    private Answer execute(GraphQLRunner.Ready ready, Viewer viewer, String type, String requestId) {
        ExecutionResult result = runner.execute(ready, viewer, requestId);
        var status = ErrorMapping.refusedBeforeExecution(result) ? HttpRules.rejectedStatus(type) : 200;
        return respond(status, type, requestId, ErrorMapping.specification(result, requestId), Map.of());
    }

    private Answer notAcceptable(String requestId) {
        return respond(406, HttpRules.JSON, requestId, errors(ErrorCode.BAD_REQUEST,
                "Accept application/graphql-response+json or application/json.", requestId), Map.of());
    }

    private Answer reject(int status, String type, String requestId, String message) {
        runner.countRejected("request");
        return respond(status, type, requestId, errors(ErrorCode.BAD_REQUEST, message, requestId), Map.of());
    }

    private static Map<String, Object> errors(ErrorCode code, String message, String requestId) {
        GraphQLError error = ErrorMapping.requestError(code, message, requestId, List.of());
        return Map.of("errors", List.of(ErrorMapping.specification(error, requestId)));
    }

    /** The answers made without the server's mapper (plain maps of strings: the same bytes). */
    private static final ResultWriter PLAIN = new ResultWriter(new ObjectMapper());

    private static Answer plain(int status, String type, String requestId, Map<String, Object> body, Map<String, String> headers) {
        return answer(PLAIN, status, type, requestId, body, headers);
    }

    private Answer respond(int status, String type, String requestId, Map<String, Object> body, Map<String, String> headers) {
        return answer(results, status, type, requestId, body, headers);
    }

    private static Answer answer(ResultWriter writer, int status, String type, String requestId, Map<String, Object> body,
                                 Map<String, String> headers) {
        return new Answer(status, type + ";charset=utf-8", requestId, writer.bytes(body), headers);
    }
}
