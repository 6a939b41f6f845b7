package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With BERTH_CORS_ENABLED and an allow-list, only listed origins get CORS headers. */
@MicronautTest
class CorsTest extends BerthTestBase {

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.cors.enabled", "true", "berth.cors.allowed-origins", "https://app.example.test");
    }

    private HttpResponse<String> preflight(String origin) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.getURI() + "/graphql"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aListedOriginMayCallTheApi() throws Exception {
        var response = preflight("https://app.example.test");
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.test");
    }

    @Test
    void aListedOriginsActualRequestCarriesTheCorsHeaders() throws Exception {
        // the thin /graphql route leaves cross-origin requests to Micronaut's CORS handling
        var request = HttpRequest.newBuilder(URI.create(server.getURI() + "/graphql"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ __typename }\"}"))
                .header("Content-Type", "application/json")
                .header("Origin", "https://app.example.test")
                .build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.test");
        assertThat(response.headers().firstValue("access-control-expose-headers").orElse("")).containsIgnoringCase("X-Request-Id");
    }

    @Test
    void anyOtherOriginGetsNoCorsHeaders() throws Exception {
        var response = preflight("https://evil.example.test");
        assertThat(response.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
}
