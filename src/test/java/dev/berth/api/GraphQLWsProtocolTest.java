package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.RedisChannels;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** graphql-transport-ws at /graphql-ws: handshake, close codes and per-connection operation ids. */
@MicronautTest
class GraphQLWsProtocolTest extends BerthTestBase {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry meters;
    private static final String EVENTS = "subscription { projectEvents { kind projectId project { name } } }";

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.ws.init-timeout", "700ms");
    }

    private void createProject(String name) {
        http().data("mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }",
                Map.of("input", Map.of("name", name)));
    }

    /** Waits until this team's project channel has a Redis subscriber, so a publish cannot race the subscribe. */
    private void awaitEventOf(WsClient client, String id, String name) {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var message = client.next(WAIT);
            if (message.path("id").asText().equals(id) && message.path("type").asText().equals("next")
                    && message.path("payload").path("data").path("projectEvents").path("project").path("name").asText().equals(name)) {
                return;
            }
        }
        throw new AssertionError("no event for " + name);
    }

    @Test
    void theServerSpeaksGraphqlTransportWs() {
        try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            assertThat(client.subprotocol()).isEqualTo("graphql-transport-ws");
            client.send(Map.of("type", "ping"));
            assertThat(client.next(WAIT).path("type").asText()).isEqualTo("pong");
        }
    }

    /** RFC 6455 §5.5.1: the server answers a client's close with a close frame (its code), not a dropped connection (1006). */
    @Test
    void aClientsCloseIsEchoed() {
        for (int code : new int[] {1000, 4000}) {
            try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
                client.subscribe("s1", EVENTS);
                assertThat(client.closeWith(code, WAIT)).isEqualTo(code);
            }
        }
    }

    @Test
    void aSubscriptionDeliversCommittedProjectEvents() throws Exception {
        try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            client.subscribe("s1", EVENTS);
            RedisChannels.awaitSubscribed(user().teamId(), "projects");
            var name = uniqueName("live");
            createProject(name);
            awaitEventOf(client, "s1", name);
        }
    }

    /**
     * Like subscriptions (same document, variables and credential) share one execution per event, on one connection
     * or many; another credential, or another document, gets its own. Every subscriber still gets every event.
     */
    @Test
    void likeSubscriptionsShareOneExecutionPerEvent() throws Exception {
        // a second credential of the same user and team (a token): it sees the same events, in a group of its own
        var otherInTeam = http().data("mutation { createApiToken(input: {name: \"ws\", scopes: [\"read\"]}) { token } }", Map.of())
                .path("createApiToken").path("token").asText();
        var clients = new java.util.ArrayList<WsClient>();
        try {
            for (int i = 0; i < 3; i++) {
                var client = WsClient.connectAndInit(server.getURI(), user().accessToken());
                client.subscribe("same", EVENTS);
                clients.add(client);
            }
            clients.getFirst().subscribe("same-again", EVENTS);
            var differentDocument = WsClient.connectAndInit(server.getURI(), user().accessToken());
            differentDocument.subscribe("kinds", "subscription { projectEvents { kind } }");
            clients.add(differentDocument);
            var separate = WsClient.connectAndInit(server.getURI(), otherInTeam);
            separate.subscribe("own", EVENTS);
            clients.add(separate);
            RedisChannels.awaitSubscribed(user().teamId(), "projects");
            Thread.sleep(300); // every member has joined its group (they subscribe on worker threads)
            var executions = meters.counter("berth.ws.event.executions");
            double before = executions.count();
            var name = uniqueName("shared");
            createProject(name);
            for (int i = 0; i < 3; i++) awaitEventOf(clients.get(i), "same", name);
            awaitEventOf(clients.getFirst(), "same-again", name);
            var kinds = differentDocument.next(WAIT);
            assertThat(kinds.path("id").asText()).isEqualTo("kinds");
            awaitEventOf(separate, "own", name);
            // four subscriptions of one credential and document, one of another document, one of another credential
            assertThat(executions.count() - before).isEqualTo(3);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void queriesAndMutationsWorkOverTheSocketToo() {
        try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            client.subscribe("q1", "{ __typename }");
            var next = client.next(WAIT);
            assertThat(next.path("type").asText()).isEqualTo("next");
            assertThat(next.path("payload").path("data").path("__typename").asText()).isEqualTo("Query");
            var complete = client.next(WAIT);
            assertThat(complete.path("type").asText()).isEqualTo("complete");
            assertThat(complete.path("id").asText()).isEqualTo("q1");
        }
    }

    @Test
    void anInvalidDocumentGetsAnErrorMessageAndTheConnectionStays() {
        try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            client.subscribe("bad", "subscription { nope }");
            var error = client.next(WAIT);
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("id").asText()).isEqualTo("bad");
            assertThat(error.path("payload").get(0).path("extensions").path("code").asText()).isEqualTo("GRAPHQL_VALIDATION_FAILED");
            client.send(Map.of("type", "ping"));
            assertThat(client.next(WAIT).path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void noInitWithinTheTimeoutCloses4408() {
        try (var client = WsClient.connect(server.getURI())) {
            assertThat(client.awaitClose(WAIT)).isEqualTo(4408);
        }
    }

    @Test
    void aSecondInitCloses4429() {
        try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            client.send(Map.of("type", "connection_init"));
            assertThat(client.awaitClose(WAIT)).isEqualTo(4429);
        }
    }

    @Test
    void subscribingBeforeTheAckCloses4401() {
        try (var client = WsClient.connect(server.getURI())) {
            client.subscribe("early", EVENTS);
            assertThat(client.awaitClose(WAIT)).isEqualTo(4401);
        }
    }

    @Test
    void aMessageThatIsNotProtocolCloses4400() {
        for (var garbage : new String[] {"not json", "[]", "{\"type\": 5}", "{\"type\": \"shout\"}"}) {
            try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
                client.sendText(garbage);
                assertThat(client.awaitClose(WAIT)).as(garbage).isEqualTo(4400);
            }
        }
    }

    @Test
    void aSubscribeWithoutAnIdCloses4400() {
        try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            client.send(Map.of("type", "subscribe", "payload", Map.of("query", EVENTS)));
            assertThat(client.awaitClose(WAIT)).isEqualTo(4400);
        }
    }

    @Test
    void aDuplicateOperationIdCloses4409() {
        try (var client = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            client.subscribe("same", EVENTS);
            client.subscribe("same", EVENTS);
            assertThat(client.awaitClose(WAIT)).isEqualTo(4409);
        }
    }

    @Test
    void oneConnectionCannotCompleteAnothersOperation() throws Exception {
        try (var victim = WsClient.connectAndInit(server.getURI(), user().accessToken());
             var attacker = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            victim.subscribe("1", EVENTS);
            attacker.send(Map.of("id", "1", "type", "complete"));
            attacker.subscribe("1", "{ __typename }");
            assertThat(attacker.next(WAIT).path("type").asText()).isEqualTo("next");
            RedisChannels.awaitSubscribed(user().teamId(), "projects");
            var name = uniqueName("isolated");
            createProject(name);
            awaitEventOf(victim, "1", name);
            assertThat(victim.isClosed()).isFalse();
        }
    }

    @Test
    void completeStopsTheSubscription() throws Exception {
        // a team of its own: no other test's socket shares its channel, so "unsubscribed" is this complete's doing
        var alone = dev.berth.testing.TestUsers.signUp(server.getURI());
        try (var client = WsClient.connectAndInit(server.getURI(), alone.accessToken())) {
            client.subscribe("c", EVENTS);
            RedisChannels.awaitSubscribed(alone.teamId(), "projects");
            client.send(Map.of("id", "c", "type", "complete"));
            RedisChannels.awaitUnsubscribed(alone.teamId(), "projects");
            alone.http().data("mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }",
                    Map.of("input", Map.of("name", uniqueName("after-complete"))));
            assertThat(client.poll(Duration.ofSeconds(1))).isNull();
            client.subscribe("c", EVENTS); // the id is free again
            client.send(Map.of("type", "ping"));
            assertThat(client.next(WAIT).path("type").asText()).isEqualTo("pong");
        }
    }
}
