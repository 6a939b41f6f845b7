package dev.berth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;

/** One HTTP response of the GraphQL endpoint. */
public record HttpResult(int status, HttpHeaders headers, String body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String contentType() {
        return headers.firstValue("content-type").orElse("");
    }

    /** {@code errors[0].extensions.code}, or null when there is no error. */
    public String firstErrorCode() {
        var errors = json().path("errors");
        return errors.isEmpty() ? null : errors.get(0).path("extensions").path("code").asText();
    }
}
