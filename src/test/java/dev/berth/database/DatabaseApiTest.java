package dev.berth.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestUsers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The database API without a job engine (nothing runs on a server): input errors with their fields, conflicts of
 * names and ports, another team's ids, and what a change records (its generation moves, so a converge seeing an
 * older one writes nothing).
 */
@MicronautTest(transactional = false)
class DatabaseApiTest extends BerthTestBase {
    private static final String CREATE = "mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id status publicPort internalUrl } } }";

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false", "berth.deployments.network", "host");
    }

    private String environment() {
        return http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("dbapi"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
    }

    private String server() {
        var key = http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", Map.of("n", uniqueName("k")))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        return http().data("mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", privateKeyId: $k}) { server { id } } }",
                Map.of("k", key, "n", uniqueName("s"))).path("createServer").path("server").path("id").asText();
    }

    private Map<String, Object> input(String environment, String server, String name, Object... more) {
        var input = new LinkedHashMap<String, Object>(Map.of("environmentId", environment, "serverId", server, "name", name, "engine", "POSTGRESQL"));
        for (int i = 0; i < more.length; i += 2) input.put((String) more[i], more[i + 1]);
        return input;
    }

    private JsonNode error(Map<String, Object> input) {
        var result = http().post(CREATE, Map.of("i", input));
        return result.json().path("errors").get(0);
    }

    @Test
    void badInputNamesItsField() {
        var environment = environment();
        var server = server();
        for (var bad : Map.of(
                "input.password", input(environment, server, "a", "password", "with a\nnewline in it"),
                "input.name", input(environment, server, "Not_A_Label"),
                "input.publicPort", input(environment, server, "b", "publicPort", 80),
                "input.cpuLimit", input(environment, server, "c", "cpuLimit", 100.0),
                "input.memoryLimitMiB", input(environment, server, "d", "memoryLimitMiB", 1),
                "input.image", input(environment, server, "e", "image", "not an image")).entrySet()) {
            var error = error(bad.getValue());
            assertThat(error).as(bad.getKey() + " accepted").isNotNull();
            assertThat(error.path("extensions").path("code").asText()).as(bad.getKey()).isEqualTo("BAD_USER_INPUT");
            assertThat(error.path("extensions").path("field").asText()).isEqualTo(bad.getKey());
        }
        var shortPassword = error(input(environment, server, "f", "password", "short"));
        assertThat(shortPassword.toString()).doesNotContain("short\"");
    }

    @Test
    void namesAndPortsAreTakenOnceAndAnotherTeamsIdsAreNotFound() {
        var environment = environment();
        var serverId = server();
        var first = http().data(CREATE, Map.of("i", input(environment, serverId, "main", "publicPort", 25001))).path("createDatabase").path("database");
        assertThat(first.path("status").asText()).isEqualTo("STARTING");
        assertThat(first.path("internalUrl").asText()).isEqualTo("postgresql://postgres@127.0.0.1:25001/main");
        assertThat(error(input(environment, serverId, "main")).path("extensions").path("code").asText()).isEqualTo("CONFLICT");
        // on the host network a port is the server's: another database of the team cannot listen there
        var taken = error(input(environment(), serverId, "other", "publicPort", 25001));
        assertThat(taken.path("extensions").path("code").asText()).isEqualTo("CONFLICT");
        assertThat(taken.path("message").asText()).contains("main");
        // the default port is one too: two databases of one engine without ports collide on a host-network server
        http().data(CREATE, Map.of("i", input(environment, serverId, "plain")));
        assertThat(error(input(environment, serverId, "plain-too")).path("extensions").path("code").asText()).isEqualTo("CONFLICT");
        var exposed = http().post("mutation($id: ID!) { exposeDatabase(input: {id: $id, hostPort: 5432}) { database { id } } }",
                Map.of("id", first.path("id").asText())).json().path("errors").get(0);
        assertThat(exposed.path("extensions").path("field").asText()).isEqualTo("input.hostPort");

        var stranger = TestUsers.signUp(server.getURI());
        var theirs = stranger.http().post("query($id: ID!) { database(id: $id) { id } }", Map.of("id", first.path("id").asText()));
        assertThat(theirs.firstErrorCode()).isEqualTo("NOT_FOUND");
        var onMyServer = stranger.http().post(CREATE, Map.of("i", Map.of("environmentId", environment, "serverId", serverId, "name", "x", "engine", "REDIS")));
        assertThat(onMyServer.firstErrorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aBackupDestinationNeverPointsAtAMetadataServiceOrCarriesCredentialsInItsUrl() {
        for (var endpoint : java.util.List.of("http://169.254.169.254", "http://[fe80::1]:9000", "http://0.0.0.0:9000", "ftp://127.0.0.1",
                "http://user:pass@127.0.0.1:9000", "http://127.0.0.1:9000/?x=1", "not a url")) {
            // validated before anything connects: nothing is sent to these addresses
            var error = http().post("mutation($e: String!) { createBackupDestination(input: {name: \"x\", endpoint: $e, region: \"us-east-1\", bucket: \"backups\", accessKey: \"a\", secretKey: \"s\"}) { backupDestination { id } } }",
                    Map.of("e", endpoint)).json().path("errors").get(0);
            assertThat(error.path("extensions").path("field").asText()).as(endpoint).isEqualTo("input.endpoint");
        }
    }

    /**
     * A server directory is an absolute, normalised path of plain characters on one of the team's own servers, with
     * nothing of S3 beside it; the rest of the path (a key Berth makes) is appended by Berth alone.
     */
    @Test
    void aServerDirectoryIsAPlainAbsolutePathOnOneOfTheTeamsServers() {
        var serverId = server();
        var create = "mutation($i: CreateBackupDestinationInput!) { createBackupDestination(input: $i) { backupDestination { id kind directory endpoint server { id } } } }";
        for (var directory : java.util.List.of("backups", "/", "/var/backups/", "/var/../etc", "/var/./x", "/a b", "/a\nb", "/a;b", "/$(id)", "/a'b",
                "/proc/self", "/sys/x", "/dev/sda", "//x", "/x/" + "a".repeat(260), "/a/%2e%2e/b", "/a\u0000")) {
            var error = http().post(create, Map.of("i", Map.of("name", "d", "serverId", serverId, "directory", directory))).json().path("errors").get(0);
            assertThat(error.path("extensions").path("field").asText()).as(directory).isEqualTo("input.directory");
            assertThat(error.path("extensions").path("code").asText()).isEqualTo("BAD_USER_INPUT");
        }
        var mixed = http().post(create, Map.of("i", Map.of("name", "d", "serverId", serverId, "directory", "/srv/backups", "endpoint", "http://127.0.0.1:9")))
                .json().path("errors").get(0);
        assertThat(mixed.path("extensions").path("field").asText()).isEqualTo("input.endpoint");
        var noServer = http().post(create, Map.of("i", Map.of("name", "d", "directory", "/srv/backups"))).json().path("errors").get(0);
        assertThat(noServer.path("extensions").path("field").asText()).isEqualTo("input.serverId");
        var made = http().data(create, Map.of("i", Map.of("name", uniqueName("dir"), "serverId", serverId, "directory", "/srv/berth-backups")))
                .path("createBackupDestination").path("backupDestination");
        assertThat(made.path("kind").asText()).isEqualTo("SERVER_DIRECTORY");
        assertThat(made.path("directory").asText()).isEqualTo("/srv/berth-backups");
        assertThat(made.path("endpoint").isNull()).isTrue();
        assertThat(made.path("server").path("id").asText()).isEqualTo(serverId);
        // a server with backups going to it is not deleted from under them
        var deleted = http().post("mutation($id: ID!) { deleteServer(input: {id: $id}) { deletedServerId } }", Map.of("id", serverId));
        assertThat(deleted.firstErrorCode()).isEqualTo("CONFLICT");
        // another team's server is not found
        var stranger = TestUsers.signUp(server.getURI());
        var theirs = stranger.http().post(create, Map.of("i", Map.of("name", "d", "serverId", serverId, "directory", "/srv/x")));
        assertThat(theirs.firstErrorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aScheduleRunsAtMostEvery15MinutesAndAKeyDbBackupCannotBeVerifiedYet() {
        var environment = environment();
        var serverId = server();
        var postgres = http().data(CREATE, Map.of("i", input(environment, serverId, "sched", "publicPort", 25003))).path("createDatabase").path("database").path("id").asText();
        var redis = http().data(CREATE, Map.of("i", Map.of("environmentId", environment, "serverId", serverId, "name", "cache", "engine", "KEYDB",
                "publicPort", 25004))).path("createDatabase").path("database").path("id").asText();
        var destination = http().data("mutation { createBackupDestination(input: {name: \"sched\", endpoint: \"http://127.0.0.1:9\", region: \"us-east-1\", bucket: \"backups\", accessKey: \"a\", secretKey: \"s\"}) { backupDestination { id } } }",
                Map.of()).path("createBackupDestination").path("backupDestination").path("id").asText();
        var schedule = "mutation($d: ID!, $t: ID!, $c: String!, $v: Boolean!) { createBackupSchedule(input: {databaseId: $d, destinationId: $t, cron: $c, verify: $v}) { backupSchedule { id nextRunAt } } }";
        var tooOften = http().post(schedule, Map.of("d", postgres, "t", destination, "c", "*/5 * * * *", "v", false)).json().path("errors").get(0);
        assertThat(tooOften.path("extensions").path("field").asText()).isEqualTo("input.cron");
        assertThat(tooOften.path("message").asText()).contains("more often");
        var daily = http().data(schedule, Map.of("d", postgres, "t", destination, "c", "30 3 * * *", "v", true)).path("createBackupSchedule").path("backupSchedule");
        assertThat(daily.path("nextRunAt").asText()).endsWith(":30:00Z");
        var unverifiable = http().post(schedule, Map.of("d", redis, "t", destination, "c", "30 3 * * *", "v", true)).json().path("errors").get(0);
        assertThat(unverifiable.path("extensions").path("field").asText()).isEqualTo("input.verify");
        var now = http().post("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t, verify: true}) { backup { id } } }",
                Map.of("d", redis, "t", destination)).json().path("errors").get(0);
        assertThat(now.path("extensions").path("field").asText()).isEqualTo("input.verify");
        // a backup restores only into a database of its engine
        var backup = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                Map.of("d", postgres, "t", destination)).path("backupDatabase").path("backup").path("id").asText();
        var wrongEngine = http().post("mutation($b: ID!, $t: ID!) { restoreBackup(input: {backupId: $b, targetDatabaseId: $t, confirmDatabaseName: \"cache\"}) { backup { id } } }",
                Map.of("b", backup, "t", redis)).json().path("errors").get(0);
        assertThat(wrongEngine.path("extensions").path("field").asText()).isEqualTo("input.targetDatabaseId");
    }

    @Test
    void startingARunningDatabaseChangesNothingAndEveryChangeMovesItsGeneration() throws Exception {
        var id = http().data(CREATE, Map.of("i", input(environment(), server(), "gen", "publicPort", 25002)))
                .path("createDatabase").path("database").path("id").asText();
        long created = generation(id);
        var started = http().data("mutation($id: ID!) { startDatabase(input: {id: $id}) { database { status } } }", Map.of("id", id));
        assertThat(started.path("startDatabase").path("database").path("status").asText()).isEqualTo("STARTING");
        assertThat(generation(id)).as("already meant to run: nothing changed").isEqualTo(created);
        http().data("mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { status } } }", Map.of("id", id));
        http().data("mutation($id: ID!) { restartDatabase(input: {id: $id}) { database { status } } }", Map.of("id", id));
        http().data("mutation($id: ID!) { updateDatabase(input: {id: $id, name: \"renamed\"}) { database { id } } }", Map.of("id", id));
        assertThat(generation(id)).isEqualTo(created + 3);
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id}) { deletedDatabaseId } }", Map.of("id", id));
        assertThat(generation(id)).isEqualTo(created + 4);
    }

    private static long generation(String id) throws Exception {
        var props = dev.berth.testing.TestServers.properties();
        try (var c = java.sql.DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var s = c.prepareStatement("SELECT generation FROM databases WHERE id = CAST(? AS uuid)")) {
            s.setString(1, id);
            var rows = s.executeQuery();
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }
}
