package dev.berth.testing;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

/** Signs up real users through the API. Each gets a team of their own. */
public final class TestUsers {
    public static final String PASSWORD = "correct horse battery staple";

    /** A signed-up user: their id, team, tokens, and a client that sends their access token. */
    public record TestUser(String id, String email, String teamId, String accessToken, String refreshToken, GraphQLHttp http) {}

    private TestUsers() {}

    public static TestUser signUp(URI base) {
        return signUp(base, "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test");
    }

    public static TestUser signUp(URI base, String email) {
        var anonymous = new GraphQLHttp(base);
        var payload = anonymous.data("""
                mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken user { id } } }""",
                Map.of("input", Map.of("email", email, "password", PASSWORD, "name", "Test User"))).path("signUp");
        var http = anonymous.as(payload.path("accessToken").asText());
        var teamId = http.data("{ me { team { id } } }", Map.of()).path("me").path("team").path("id").asText();
        return new TestUser(payload.path("user").path("id").asText(), email, teamId, payload.path("accessToken").asText(),
                payload.path("refreshToken").asText(), http);
    }
}
