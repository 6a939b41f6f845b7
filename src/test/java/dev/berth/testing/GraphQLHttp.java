package dev.berth.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A raw HTTP client for {@code /graphql}: tests control every header and body byte. */
public final class GraphQLHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String GRAPHQL_RESPONSE = "application/graphql-response+json";

    private final HttpClient client = HttpClient.newHttpClient();
    private final URI base;
    private final String bearer;
    private final String team;

    /** An anonymous client. */
    public GraphQLHttp(URI base) {
        this(base, null, null);
    }

    public GraphQLHttp(URI base, String bearer, String team) {
        this.base = base;
        this.bearer = bearer;
        this.team = team;
    }

    /** The same server with other credentials. */
    public GraphQLHttp as(String bearer) {
        return new GraphQLHttp(base, bearer, null);
    }

    public GraphQLHttp inTeam(String teamId) {
        return new GraphQLHttp(base, bearer, teamId);
    }

    public String bearer() {
        return bearer;
    }

    public URI base() {
        return base;
    }

    /** POSTs a well-formed request accepting the GraphQL response media type. */
    public HttpResult post(String query, Map<String, Object> variables) {
        var body = new LinkedHashMap<String, Object>();
        body.put("query", query);
        body.put("variables", variables);
        return raw("POST", "/graphql", "application/json", GRAPHQL_RESPONSE, write(body));
    }

    public HttpResult post(String query) {
        return post(query, Map.of());
    }

    /** Runs an operation that must succeed and returns its {@code data}. */
    public JsonNode data(String query, Map<String, Object> variables) {
        var result = post(query, variables);
        if (result.status() != 200 || result.json().has("errors")) {
            throw new AssertionError("operation failed: " + result.status() + " " + result.body());
        }
        return result.json().path("data");
    }

    public HttpResult get(Map<String, String> params, String accept) {
        var query = new StringBuilder();
        params.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return raw("GET", "/graphql" + query, null, accept, null);
    }

    public HttpResult raw(String method, String path, String contentType, String accept, String body) {
        var builder = HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) builder.header("Content-Type", contentType);
        if (accept != null) builder.header("Accept", accept);
        if (bearer != null) builder.header("Authorization", "Bearer " + bearer);
        if (team != null) builder.header("X-Berth-Team", team);
        try {
            var response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpResult(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
