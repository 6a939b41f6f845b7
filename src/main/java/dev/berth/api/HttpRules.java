package dev.berth.api;

import io.micronaut.core.annotation.Nullable;
import java.util.Locale;
import java.util.Optional;

/** Pure GraphQL-over-HTTP decisions: which media type to answer with, which bodies to accept, which status. */
final class HttpRules {
    static final String GRAPHQL_RESPONSE_JSON = "application/graphql-response+json";
    static final String JSON = "application/json";

    private HttpRules() {}

    /**
     * The response media type for an {@code Accept} header: {@code application/graphql-response+json} when
     * the client accepts it, else {@code application/json} (also for no header or a wildcard); empty when
     * the client accepts neither (406).
     */
    static Optional<String> negotiate(@Nullable String accept) {
        if (accept == null || accept.isBlank()) return Optional.of(JSON);
        boolean json = false;
        for (var range : accept.split(",")) {
            var parts = range.trim().toLowerCase(Locale.ROOT).split(";");
            var type = parts[0].trim();
            if (qualityIsZero(parts)) continue;
            if (type.equals(GRAPHQL_RESPONSE_JSON)) return Optional.of(GRAPHQL_RESPONSE_JSON);
            if (type.equals(JSON) || type.equals("application/*") || type.equals("*/*")) json = true;
        }
        return json ? Optional.of(JSON) : Optional.empty();
    }

    /** POST bodies must be {@code application/json}, in UTF-8: anything else could be a cross-site form post. */
    static boolean acceptsBody(@Nullable String contentType) {
        if (contentType == null) return false;
        var parts = contentType.toLowerCase(Locale.ROOT).split(";");
        if (!parts[0].trim().equals(JSON)) return false;
        for (int i = 1; i < parts.length; i++) {
            var param = parts[i].trim();
            if (param.startsWith("charset=") && !param.substring(8).replace("\"", "").equals("utf-8")) return false;
        }
        return true;
    }

    /** Status for a request refused before execution: 400 under the new media type, 200 under legacy JSON. */
    static int rejectedStatus(String responseType) {
        return GRAPHQL_RESPONSE_JSON.equals(responseType) ? 400 : 200;
    }

    private static boolean qualityIsZero(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            var param = parts[i].trim();
            if (param.startsWith("q=")) {
                try {
                    return Double.parseDouble(param.substring(2)) <= 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
