package dev.berth.api;

import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Map;

/** One GraphQL request's parameters (GraphQL-over-HTTP §"Request Parameters"), checked for shape. */
record OperationRequest(String query, @Nullable String operationName, Map<String, Object> variables,
                        Map<String, Object> extensions) {

    OperationRequest {
        variables = variables == null ? Map.of() : variables;
        extensions = extensions == null ? Map.of() : extensions;
    }

    /** From a decoded JSON body (or the decoded query parameters of a GET). */
    @SuppressWarnings("unchecked")
    static OperationRequest from(@Nullable Object decoded) {
        if (decoded instanceof List<?>) throw new RequestRejectedException("Batched requests are not supported.");
        if (!(decoded instanceof Map<?, ?> body)) throw new RequestRejectedException("The body must be a JSON object.");
        if (!(body.get("query") instanceof String query)) {
            throw new RequestRejectedException(body.get("query") == null
                    ? "The 'query' parameter is required." : "The 'query' parameter must be a string.");
        }
        var operationName = body.get("operationName");
        if (operationName != null && !(operationName instanceof String)) {
            throw new RequestRejectedException("The 'operationName' parameter must be a string or null.");
        }
        return new OperationRequest(query, (String) operationName, object(body, "variables"), object(body, "extensions"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<?, ?> body, String name) {
        var value = body.get(name);
        if (value == null) return Map.of();
        if (value instanceof Map<?, ?> map) return (Map<String, Object>) map;
        throw new RequestRejectedException("The '" + name + "' parameter must be an object or null.");
    }
}
