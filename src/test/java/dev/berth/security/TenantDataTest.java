package dev.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import dev.berth.testing.WsClient;
import graphql.schema.GraphQLTypeUtil;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Tenant data in Dragonfly and in subscriptions: every subscription that takes an id resolves it in the caller's
 * team first (another team's id is NOT_FOUND and delivers nothing), and every key and channel that holds
 * tenant data carries its team.
 */
@MicronautTest(transactional = false)
class TenantDataTest extends BerthTestBase {
    /** Keys that hold no tenant data: rate-limit windows, locks and wake-ups. Anything else must be berth:<team>:... */
    private static final Pattern SHARED = Pattern.compile("berth:(rl|lock|wake):.+");
    private static final Pattern TENANT = Pattern.compile("berth:([0-9a-f-]{36}):[a-z-]+(:.*)?");

    @Inject
    graphql.schema.GraphQLSchema schema;

    /** For each subscription taking an id: how its owner makes one, and the subscription document. */
    private final Map<String, Function<TestUsers.TestUser, String>> makers = Map.of(
            "serverValidation", this::startValidation,
            "deploymentLogs", owner -> deployment(owner).path("id").asText(),
            "deploymentUpdated", owner -> deployment(owner).path("application").path("id").asText(),
            "applicationLogs", owner -> deployment(owner).path("application").path("id").asText(),
            "backupLogs", this::backup);

    private static final Map<String, String> DOCUMENTS = Map.of(
            "serverValidation", "subscription($id: ID!) { serverValidation(id: $id) { step ok detail } }",
            "deploymentLogs", "subscription($id: ID!) { deploymentLogs(deploymentId: $id) { seq text } }",
            "deploymentUpdated", "subscription($id: ID!) { deploymentUpdated(applicationId: $id) { id status } }",
            "applicationLogs", "subscription($id: ID!) { applicationLogs(applicationId: $id) { text } }",
            "backupLogs", "subscription($id: ID!) { backupLogs(backupId: $id) { seq text } }");

    /** Subscriptions whose own-team case answers with an error of its own rather than data (here: never deployed). */
    private static final Map<String, String> OWN_ERRORS = Map.of("applicationLogs", "CONFLICT");

    @Test
    void everySubscriptionTakingAnIdRefusesAnotherTeamsId() {
        var withIds = schema.getSubscriptionType().getFieldDefinitions().stream()
                .filter(f -> f.getArguments().stream().anyMatch(a -> GraphQLTypeUtil.unwrapAll(a.getType()).getName().equals("ID")))
                .map(f -> f.getName()).toList();
        assertThat(withIds).isNotEmpty();
        assertThat(makers.keySet()).as("every subscription taking an id needs a case here").containsAll(withIds);

        var owner = user();
        var otherTeam = TestUsers.signUp(server.getURI());
        for (var name : withIds) {
            var id = makers.get(name).apply(owner);
            try (var theirs = WsClient.connectAndInit(server.getURI(), otherTeam.accessToken())) {
                theirs.send(Map.of("id", "x", "type", "subscribe", "payload", Map.of("query", DOCUMENTS.get(name), "variables", Map.of("id", id))));
                var reply = theirs.next(Duration.ofSeconds(10));
                assertThat(reply.path("type").asText()).as(name).isEqualTo("error");
                assertThat(reply.path("payload").path(0).path("extensions").path("code").asText()).as(name).isEqualTo("NOT_FOUND");
            }
            try (var mine = WsClient.connectAndInit(server.getURI(), owner.accessToken())) {
                mine.send(Map.of("id", "x", "type", "subscribe", "payload", Map.of("query", DOCUMENTS.get(name), "variables", Map.of("id", id))));
                var answer = mine.next(Duration.ofSeconds(10));
                if (OWN_ERRORS.containsKey(name)) {
                    assertThat(answer.path("payload").path(0).path("extensions").path("code").asText()).as(name).isEqualTo(OWN_ERRORS.get(name));
                } else {
                    assertThat(answer.path("type").asText()).as(name).isEqualTo("next");
                }
            }
        }
    }

    @Test
    void everyKeyAndChannelHoldingTenantDataCarriesItsTeam() throws Exception {
        var owner = user();
        startValidation(owner);
        var redis = RedisClient.create(TestServers.properties().get("berth.redis.url"));
        try (var connection = redis.connect();
             var live = WsClient.connectAndInit(server.getURI(), owner.accessToken())) {
            live.subscribe("p", "subscription { projectEvents { kind } }");
            live.subscribe("s", "subscription { serverEvents { status } }");
            dev.berth.testing.RedisChannels.awaitSubscribed(owner.teamId(), "projects");
            dev.berth.testing.RedisChannels.awaitSubscribed(owner.teamId(), "servers");
            var names = new ArrayList<String>(connection.sync().pubsubChannels("*"));
            ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches("*").limit(1000)).forEachRemaining(names::add);
            assertThat(names).anyMatch(n -> n.contains(":server-validation:"));
            var teams = teamIds();
            var offenders = names.stream().filter(n -> !SHARED.matcher(n).matches() && !ownedByATeam(n, teams)).toList();
            assertThat(offenders).isEmpty();
        } finally {
            redis.shutdown();
        }
    }

    private static boolean ownedByATeam(String name, List<String> teams) {
        var matcher = TENANT.matcher(name);
        return matcher.matches() && teams.contains(matcher.group(1));
    }

    private List<String> teamIds() throws Exception {
        var props = TestServers.properties();
        try (var c = java.sql.DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"),
                props.get("berth.database.password"));
             var rows = c.createStatement().executeQuery("SELECT id FROM teams")) {
            var ids = new ArrayList<String>();
            while (rows.next()) ids.add(rows.getString(1));
            return ids;
        }
    }

    /** A deployment of an application on a server at a closed loopback port: it fails fast, and is the team's. */
    private JsonNode deployment(TestUsers.TestUser owner) {
        var serverId = serverOnAClosedPort(owner);
        var environment = owner.http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", "p-" + UUID.randomUUID().toString().substring(0, 8))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        var application = owner.http().data("mutation($e: ID!, $s: ID!) { createApplication(input: {environmentId: $e, serverId: $s, name: \"web\", source: {image: {image: \"busybox\"}}}) { application { id } } }",
                Map.of("e", environment, "s", serverId)).path("createApplication").path("application").path("id").asText();
        return owner.http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id application { id } } } }",
                Map.of("a", application)).path("deployApplication").path("deployment");
    }

    /** A backup of a database on a server at a closed loopback port: it fails fast (a line in its log), and is the team's. */
    private String backup(TestUsers.TestUser owner) {
        var serverId = serverOnAClosedPort(owner);
        var environment = owner.http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", "p-" + UUID.randomUUID().toString().substring(0, 8))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        var database = owner.http().data("mutation($e: ID!, $s: ID!) { createDatabase(input: {environmentId: $e, serverId: $s, name: \"db\", engine: REDIS}) { database { id } } }",
                Map.of("e", environment, "s", serverId)).path("createDatabase").path("database").path("id").asText();
        var destination = owner.http().data("mutation { createBackupDestination(input: {name: \"d\", endpoint: \"http://127.0.0.1:9\", region: \"us-east-1\", bucket: \"backups\", accessKey: \"a\", secretKey: \"s\"}) { backupDestination { id } } }",
                Map.of()).path("createBackupDestination").path("backupDestination").path("id").asText();
        return owner.http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                Map.of("d", database, "t", destination)).path("backupDatabase").path("backup").path("id").asText();
    }

    /** A validation of a server on a closed loopback port: it fails fast, but its steps are the team's data. */
    private String startValidation(TestUsers.TestUser owner) {
        var serverId = serverOnAClosedPort(owner);
        JsonNode started = owner.http().data("mutation($id: ID!) { validateServer(input: {id: $id}) { validationId } }", Map.of("id", serverId));
        return started.path("validateServer").path("validationId").asText();
    }

    /** A server of the owner's team on a loopback port nobody listens on: whatever runs against it fails fast. */
    private static String serverOnAClosedPort(TestUsers.TestUser owner) {
        var key = owner.http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }",
                        Map.of("n", "k-" + UUID.randomUUID().toString().substring(0, 8)))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        var serverId = owner.http().data("mutation($i: CreateServerInput!) { createServer(input: $i) { server { id } } }",
                Map.of("i", Map.of("name", "s-" + UUID.randomUUID().toString().substring(0, 8), "host", "127.0.0.1",
                        "port", closedPort(), "user", "root", "privateKeyId", key))).path("createServer").path("server").path("id").asText();
        return serverId;
    }

    private static int closedPort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
