package dev.berth.api;

import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.execution.InputMapDefinesTooManyFieldsException;
import graphql.execution.NonNullableValueCoercedAsNullException;
import graphql.introspection.GoodFaithIntrospection;
import graphql.schema.CoercingParseValueException;
import graphql.ErrorType;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.execution.ResultPath;
import graphql.language.SourceLocation;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place exceptions become GraphQL errors. A {@link BerthException} keeps its (public) message and
 * code; anything else becomes INTERNAL with a generic message, and its detail goes to the server log only.
 */
@Singleton
public final class ErrorMapping implements DataFetcherExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    @Override
    public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(DataFetcherExceptionHandlerParameters params) {
        String requestId = params.getDataFetchingEnvironment().getGraphQlContext().get(RequestContext.REQUEST_ID);
        var error = toError(params.getException(), requestId, params.getPath(), List.of(params.getSourceLocation()));
        return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(error).build());
    }

    static GraphQLError toError(Throwable thrown, String requestId, ResultPath path, List<SourceLocation> locations) {
        var cause = unwrap(thrown);
        var builder = GraphqlErrorBuilder.newError().path(path).locations(locations);
        if (cause instanceof BerthException known) {
            var extensions = new LinkedHashMap<String, Object>();
            extensions.put("code", known.code().name());
            extensions.put("requestId", requestId);
            extensions.putAll(known.extensions());
            return builder.message(known.getMessage()).extensions(extensions).build();
        }
        LOG.error("event=internal-error requestId={} path={}", requestId, path, cause);
        return builder.message("Internal server error. Quote requestId " + requestId + " when reporting it.")
                .extensions(Map.of("code", ErrorCode.INTERNAL.name(), "requestId", requestId))
                .build();
    }

    /** A request-level error (transport, parse, validation, limits): no path. */
    static GraphQLError requestError(ErrorCode code, String message, String requestId, List<SourceLocation> locations) {
        return GraphqlErrorBuilder.newError()
                .message(message)
                .locations(locations == null || locations.isEmpty() ? null : locations)
                .errorType(ErrorType.ValidationError)
                .extensions(Map.of("code", code.name(), "requestId", requestId))
                .build();
    }

    /**
     * The wire form of an error: graphql-java's {@code extensions.classification} is dropped, and an error raised
     * by graphql-java itself rather than by a fetcher (variable coercion, bad-faith introspection, a null in a
     * non-null field) gets a stable code and the request id like every other error.
     */
    static Map<String, Object> specification(GraphQLError error, String requestId) {
        var spec = new LinkedHashMap<>(error.toSpecification());
        var extensions = new LinkedHashMap<String, Object>();
        if (spec.get("extensions") instanceof Map<?, ?> existing) existing.forEach((k, v) -> extensions.put(String.valueOf(k), v));
        extensions.remove("classification");
        if (!extensions.containsKey("code")) {
            var code = codeOf(error);
            extensions.put("code", code.name());
            if (code == ErrorCode.BAD_USER_INPUT) extensions.put("field", variableOf(error));
            if (code == ErrorCode.INTERNAL) LOG.error("event=uncoded-error requestId={} type={} message={}", requestId, error.getClass().getName(), error.getMessage());
        }
        extensions.putIfAbsent("requestId", requestId);
        spec.put("extensions", extensions);
        return spec;
    }

    /** The wire form of a whole result, every error through {@link #specification(GraphQLError, String)}. */
    static Map<String, Object> specification(ExecutionResult result, String requestId) {
        var spec = new LinkedHashMap<>(result.toSpecification());
        if (!result.getErrors().isEmpty()) {
            spec.put("errors", result.getErrors().stream().map(e -> specification(e, requestId)).toList());
        }
        return spec;
    }

    /** True when execution never started (coercion of variables, an aborted introspection): a request error. */
    static boolean refusedBeforeExecution(ExecutionResult result) {
        return !result.isDataPresent() && !result.getErrors().isEmpty();
    }

    private static ErrorCode codeOf(GraphQLError error) {
        if (error instanceof CoercingParseValueException || error instanceof NonNullableValueCoercedAsNullException
                || error instanceof InputMapDefinesTooManyFieldsException) {
            return ErrorCode.BAD_USER_INPUT;
        }
        if (error instanceof GoodFaithIntrospection.BadFaithIntrospectionError) return ErrorCode.QUERY_TOO_COSTLY;
        if (error.getErrorType() == ErrorType.ValidationError) return ErrorCode.GRAPHQL_VALIDATION_FAILED;
        return ErrorCode.INTERNAL;
    }

    private static String variableOf(GraphQLError error) {
        var matcher = VARIABLE.matcher(String.valueOf(error.getMessage()));
        return matcher.find() ? "$" + matcher.group(1) : "variables";
    }

    private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("[Vv]ariable '([^']+)'");

    private static Throwable unwrap(Throwable t) {
        var current = t;
        while ((current instanceof CompletionException || current instanceof java.util.concurrent.ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
