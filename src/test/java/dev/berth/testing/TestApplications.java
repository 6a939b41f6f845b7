package dev.berth.testing;

import java.util.Map;
import java.util.UUID;

/** Applications for tests that need one but never reach its server: on a loopback port nobody listens on (1). */
public final class TestApplications {
    private TestApplications() {}

    /** A key, a server on 127.0.0.1:1, a project and an image application in its first environment; the application's id. */
    public static String unreachable(GraphQLHttp http) {
        var suffix = UUID.randomUUID().toString().substring(0, 8);
        var key = http.data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", Map.of("n", "k-" + suffix))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        var serverId = http.data("mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", port: 1, privateKeyId: $k}) { server { id } } }",
                Map.of("k", key, "n", "s-" + suffix)).path("createServer").path("server").path("id").asText();
        var environment = http.data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", "p-" + suffix)).path("createProject").path("project").path("environments").get(0).path("id").asText();
        return http.data("mutation($e: ID!, $s: ID!, $n: String!) { createApplication(input: {environmentId: $e, serverId: $s, name: $n, source: {image: {image: \"busybox\"}}}) { application { id } } }",
                Map.of("e", environment, "s", serverId, "n", "web-" + suffix)).path("createApplication").path("application").path("id").asText();
    }
}
