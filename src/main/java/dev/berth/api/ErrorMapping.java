package dev.berth.api;

import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;
import graphql.GraphQLError;
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

    private static Throwable unwrap(Throwable t) {
        var current = t;
        while ((current instanceof CompletionException || current instanceof java.util.concurrent.ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
