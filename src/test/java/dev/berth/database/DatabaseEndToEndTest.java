package dev.berth.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.RealDaemons;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A PostgreSQL database through the API against the real sshd and dockerd (the engine is Debian's PostgreSQL 15 behind
 * an entrypoint with the official image's contract): created with a hostile password, RUNNING once its probe answers
 * inside the container, reached with a real client at its URL and revealed credentials, stopped and started with its
 * data, deleted with its volume. The password is never in an answer other than the reveal, in a process's argv on the
 * server, or in the audit log.
 */
@MicronautTest(transactional = false)
@RealDaemons
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseEndToEndTest extends BerthTestBase {
    /** Shell, SQL and configuration syntax a password may hold: a backslash-n (two characters), never a newline. */
    private static final String HOSTILE = "p'\"$(id)\\n`!;&|\\x41%" + UUID.randomUUID().toString().substring(0, 8);
    private static final String FIELDS = "id name engine status statusDetail username databaseName internalUrl publicUrl publicPort";

    private String serverId;
    private String environmentId;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.deployments.network", "host", "berth.backups.min-interval", "1s", "berth.backups.upload-within", "20s");
    }

    @BeforeAll
    void world() {
        var sshd = TestSshd.get();
        var daemon = TestDocker.get();
        daemon.engines();
        var keyId = ManagedServers.authorizedKey(http(), sshd, "db-" + UUID.randomUUID().toString().substring(0, 6));
        serverId = ManagedServers.server(http(), sshd, keyId, sshd.port(), daemon.socket()).toString();
        environmentId = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("db"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private JsonNode database(String id) {
        return http().data("query($id: ID!) { database(id: $id) { " + FIELDS + " } }", Map.of("id", id)).path("database");
    }

    private JsonNode awaitStatus(String id, String status) throws InterruptedException {
        var deadline = Instant.now().plus(Duration.ofSeconds(150));
        JsonNode seen = null;
        while (Instant.now().isBefore(deadline)) {
            seen = database(id);
            if (seen.path("status").asText().equals(status)) return seen;
            if (seen.path("status").asText().equals("FAILED") && !status.equals("FAILED")) break;
            Thread.sleep(300);
        }
        throw new AssertionError("database " + id + " not " + status + ": " + seen);
    }

    private JsonNode mutate(String field, String id) {
        return http().data("mutation($id: ID!) { " + field + "(input: {id: $id}) { database { " + FIELDS + " } } }", Map.of("id", id))
                .path(field).path("database");
    }

    @Test
    void aPostgresqlDatabaseWithAHostilePasswordIsCreatedReachedStoppedStartedAndDeleted() throws Exception {
        int port = freePort();
        var input = new LinkedHashMap<String, Object>();
        input.put("environmentId", environmentId);
        input.put("serverId", serverId);
        input.put("name", uniqueName("pg"));
        input.put("engine", "POSTGRESQL");
        input.put("image", TestDocker.POSTGRES);
        input.put("publicPort", port);
        input.put("password", HOSTILE);
        var created = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { " + FIELDS + " } } }",
                Map.of("i", input)).path("createDatabase").path("database");
        var id = created.path("id").asText();
        assertThat(created.path("status").asText()).isEqualTo("STARTING");
        var running = awaitStatus(id, "RUNNING");
        var dbName = running.path("databaseName").asText();
        assertThat(dbName).isEqualTo(input.get("name").toString().replace('-', '_'));
        // on the host network it listens on its public port: the URLs say where, never with the password
        assertThat(running.path("internalUrl").asText()).isEqualTo("postgresql://postgres@127.0.0.1:" + port + "/" + dbName);
        assertThat(running.path("publicUrl").asText()).isEqualTo("postgresql://postgres@127.0.0.1:" + port + "/" + dbName);
        assertThat(running.toString()).doesNotContain(HOSTILE).doesNotContain("$(id)");

        var revealed = http().data("mutation($id: ID!) { revealDatabaseCredentials(input: {id: $id}) { credentials { username password databaseName internalUrlWithPassword } } }",
                Map.of("id", id)).path("revealDatabaseCredentials").path("credentials");
        assertThat(revealed.path("password").asText()).isEqualTo(HOSTILE);
        assertThat(revealed.path("internalUrlWithPassword").asText()).startsWith("postgresql://postgres:p%27%22%24%28id%29%5Cn%60");

        var url = "jdbc:postgresql://127.0.0.1:" + port + "/" + dbName;
        try (var connection = DriverManager.getConnection(url, "postgres", revealed.path("password").asText()); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (n int)");
            statement.execute("INSERT INTO kept SELECT generate_series(1, 100)");
        }
        // a wrong password is refused: the server checks it (not trust)
        try (var ignored = DriverManager.getConnection(url, "postgres", "wrong password")) {
            throw new AssertionError("a wrong password was accepted");
        } catch (SQLException expected) {
            assertThat(expected.getMessage()).contains("password authentication failed");
        }
        assertThat(processArguments()).as("no process on the server has the password in its argv").doesNotContain(HOSTILE);

        // a token with every write scope but not secrets:read cannot reveal it
        var token = http().data("mutation { createApiToken(input: {name: \"no-secrets\", scopes: [\"read\", \"write\", \"admin\"]}) { token } }", Map.of())
                .path("createApiToken").path("token").asText();
        var refused = http().as(token).post("mutation($id: ID!) { revealDatabaseCredentials(input: {id: $id}) { credentials { password } } }",
                Map.of("id", id));
        assertThat(refused.firstErrorCode()).isEqualTo("FORBIDDEN");
        assertThat(refused.body()).doesNotContain(HOSTILE);

        assertThat(mutate("stopDatabase", id).path("status").asText()).isEqualTo("STOPPING");
        awaitStatus(id, "STOPPED");
        try (var ignored = DriverManager.getConnection(url, "postgres", HOSTILE)) {
            throw new AssertionError("a stopped database answered");
        } catch (SQLException expected) {
            // refused: nothing listens
        }
        mutate("startDatabase", id);
        awaitStatus(id, "RUNNING");
        try (var connection = DriverManager.getConnection(url, "postgres", HOSTILE); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM kept")) {
            rows.next();
            assertThat(rows.getInt(1)).as("the data outlives a stop").isEqualTo(100);
        }

        var audit = http().data("{ auditEvents(first: 50) { edges { node { action details } } } }", Map.of()).toString();
        assertThat(audit).contains("revealDatabaseCredentials").doesNotContain(HOSTILE).doesNotContain("$(id)");

        var deleted = http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", id));
        assertThat(deleted.path("deleteDatabase").path("deletedDatabaseId").asText()).isEqualTo(id);
        assertThat(http().post("query($id: ID!) { database(id: $id) { id } }", Map.of("id", id)).firstErrorCode()).isEqualTo("NOT_FOUND");
        var deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline) && (docker("ps", "-aq", "--filter", "label=berth.database=" + id).length() > 0
                || docker("volume", "ls", "-q", "--filter", "name=berth-db-" + id).length() > 0)) {
            Thread.sleep(300);
        }
        assertThat(docker("ps", "-aq", "--filter", "label=berth.database=" + id)).as("its container is gone").isEmpty();
        assertThat(docker("volume", "ls", "-q", "--filter", "name=berth-db-" + id)).as("its volume is gone").isEmpty();
    }

    private final dev.berth.testing.CurlExamples examples = new dev.berth.testing.CurlExamples("databases");

    /** A curl example of client-examples/curl/databases: a GraphQL answer's data, or another JSON answer (an upload's). */
    private JsonNode script(String name, Map<String, String> env, String... args) throws Exception {
        return examples.run(server.getPort(), user().accessToken(), env, name, args);
    }

    private String awaitScriptStatus(String id, String status) throws Exception {
        var deadline = Instant.now().plus(Duration.ofSeconds(150));
        String seen = "";
        while (Instant.now().isBefore(deadline)) {
            var database = script("get-database.sh", Map.of(), id).path("database");
            seen = database.toString();
            if (database.path("status").asText().equals(status)) return seen;
            Thread.sleep(300);
        }
        throw new AssertionError("database " + id + " not " + status + ": " + seen);
    }

    private static String redisGetSet(int port, String password, @io.micronaut.core.annotation.Nullable String set) {
        var uri = io.lettuce.core.RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(password.toCharArray())
                .withTimeout(Duration.ofSeconds(5)).build();
        var client = io.lettuce.core.RedisClient.create(uri);
        try (var connection = client.connect()) {
            if (set != null) connection.sync().set("kept", set);
            return connection.sync().get("kept");
        } finally {
            client.shutdown();
        }
    }

    /**
     * A web app and its database deploy together: the database linked to the application reaches its container as
     * DATABASE_URL, the hostile password percent-encoded so that the URL parses back to it, and a client connects with
     * what the container got; the deployment's log masks it; another environment's database does not link.
     */
    @Test
    void aLinkedDatabaseReachesTheApplicationAsDatabaseUrl() throws Exception {
        int port = freePort();
        var name = uniqueName("linked");
        var database = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id databaseName } } }",
                Map.of("i", Map.of("environmentId", environmentId, "serverId", serverId, "name", name, "engine", "POSTGRESQL",
                        "image", TestDocker.POSTGRES, "publicPort", port, "password", HOSTILE))).path("createDatabase").path("database");
        var databaseId = database.path("id").asText();
        awaitStatus(databaseId, "RUNNING");
        var app = http().data("mutation($i: CreateApplicationInput!) { createApplication(input: $i) { application { id } } }",
                Map.of("i", Map.of("environmentId", environmentId, "serverId", serverId, "name", uniqueName("web"), "stopGracePeriodSeconds", 1,
                        "source", Map.of("image", Map.of("image", TestDocker.IMAGE)),
                        "command", java.util.List.of("/bin/sh", "-c", "echo connecting to $DATABASE_URL; exec sleep 3600"))))
                .path("createApplication").path("application").path("id").asText();
        // a token with every write scope but not secrets:read cannot link it (it would hand the credentials over)
        var noSecrets = http().data("mutation { createApiToken(input: {name: \"no-secrets-link\", scopes: [\"read\", \"write\", \"admin\"]}) { token } }", Map.of())
                .path("createApiToken").path("token").asText();
        assertThat(http().as(noSecrets).post("mutation($a: ID!, $d: ID!) { linkDatabase(input: {applicationId: $a, databaseId: $d}) { databaseLink { key } } }",
                Map.of("a", app, "d", databaseId)).firstErrorCode()).isEqualTo("FORBIDDEN");
        var linked = script("link-database.sh", Map.of(), app, databaseId).path("linkDatabase").path("databaseLink");
        assertThat(linked.path("key").asText()).isEqualTo("DATABASE_URL");
        assertThat(http().data("query($id: ID!) { application(id: $id) { databaseLinks { key database { id } } } }", Map.of("id", app))
                .path("application").path("databaseLinks").get(0).path("database").path("id").asText()).isEqualTo(databaseId);
        var twice = http().post("mutation($a: ID!, $d: ID!) { linkDatabase(input: {applicationId: $a, databaseId: $d}) { databaseLink { key } } }",
                Map.of("a", app, "d", databaseId));
        assertThat(twice.firstErrorCode()).isEqualTo("CONFLICT");
        var elsewhere = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("other"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        var foreign = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id } } }",
                Map.of("i", Map.of("environmentId", elsewhere, "serverId", serverId, "name", uniqueName("far"), "engine", "REDIS", "publicPort", freePort())))
                .path("createDatabase").path("database").path("id").asText();
        var wrongEnvironment = http().post("mutation($a: ID!, $d: ID!) { linkDatabase(input: {applicationId: $a, databaseId: $d, key: \"CACHE_URL\"}) { databaseLink { key } } }",
                Map.of("a", app, "d", foreign)).json().path("errors").get(0);
        assertThat(wrongEnvironment.path("extensions").path("field").asText()).isEqualTo("input.databaseId");

        var deployment = http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app))
                .path("deployApplication").path("deployment").path("id").asText();
        var deadline = Instant.now().plusSeconds(120);
        String status;
        do {
            Thread.sleep(300);
            status = http().data("query($id: ID!) { deployment(id: $id) { status } }", Map.of("id", deployment)).path("deployment").path("status").asText();
        } while (!java.util.Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status) && Instant.now().isBefore(deadline));
        assertThat(status).isEqualTo("SUCCEEDED");
        var container = docker("ps", "-q", "--filter", "label=berth.app=" + app);
        var env = docker("inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", container);
        var url = env.lines().filter(line -> line.startsWith("DATABASE_URL=")).findFirst().orElseThrow().substring("DATABASE_URL=".length());
        var uri = java.net.URI.create(url);
        var password = java.net.URLDecoder.decode(uri.getRawUserInfo().substring("postgres:".length()).replace("+", "%2B"), StandardCharsets.UTF_8);
        assertThat(password).isEqualTo(HOSTILE);
        assertThat(uri.getPort()).isEqualTo(port);
        try (var connection = DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), "postgres", password);
             var statement = connection.createStatement()) {
            assertThat(statement.executeQuery("SELECT current_database()").next()).isTrue();
        }
        var log = http().data("query($id: ID!) { deployment(id: $id) { logs(first: 1000) { text } configurationDiff { path after } } }", Map.of("id", deployment))
                .path("deployment").toString();
        assertThat(log).doesNotContain(HOSTILE).doesNotContain(uri.getRawUserInfo());
        script("unlink-database.sh", Map.of(), app);
        assertThat(http().data("query($id: ID!) { application(id: $id) { databaseLinks { key } } }", Map.of("id", app)).path("application").path("databaseLinks"))
                .isEmpty();
        http().data("mutation($id: ID!) { deleteApplication(input: {id: $id}) { deletedApplicationId } }", Map.of("id", app));
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", databaseId));
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", foreign));
    }

    /**
     * The curl examples in sequence, on a Redis database (Debian's Redis behind Berth's command, which hands the server
     * its configuration on stdin): the hostile password from the environment works with a real client, the data
     * outlives a stop, exposing it on another port moves it there.
     */
    @Test
    void theDatabaseExamplesRunInSequenceOnRedis() throws Exception {
        int port = freePort();
        var created = script("create-database.sh", Map.of("BERTH_DATABASE_PASSWORD", HOSTILE), environmentId, serverId, uniqueName("cache"),
                "REDIS", TestDocker.REDIS, Integer.toString(port)).path("createDatabase").path("database");
        var id = created.path("id").asText();
        assertThat(created.path("internalUrl").asText()).isEqualTo("redis://default@127.0.0.1:" + port);
        awaitScriptStatus(id, "RUNNING");
        assertThat(script("list-databases.sh", Map.of(), environmentId).toString()).contains(id);
        var revealed = script("reveal-database-credentials.sh", Map.of(), id).path("revealDatabaseCredentials").path("credentials");
        assertThat(revealed.path("password").asText()).isEqualTo(HOSTILE);
        assertThat(redisGetSet(port, HOSTILE, "before the stop")).isEqualTo("before the stop");
        try {
            redisGetSet(port, "not the password", null);
            throw new AssertionError("a wrong password was accepted");
        } catch (io.lettuce.core.RedisException expected) {
            // WRONGPASS
        }
        assertThat(processArguments()).doesNotContain(HOSTILE);
        script("stop-database.sh", Map.of(), id);
        awaitScriptStatus(id, "STOPPED");
        script("start-database.sh", Map.of(), id);
        awaitScriptStatus(id, "RUNNING");
        assertThat(redisGetSet(port, HOSTILE, null)).as("the data outlives a stop").isEqualTo("before the stop");
        script("restart-database.sh", Map.of(), id);
        awaitScriptStatus(id, "RUNNING");
        int moved = freePort();
        var exposed = script("expose-database.sh", Map.of(), id, Integer.toString(moved)).path("exposeDatabase").path("database");
        assertThat(exposed.path("publicUrl").asText()).isEqualTo("redis://default@127.0.0.1:" + moved);
        awaitScriptStatus(id, "RUNNING");
        assertThat(redisGetSet(moved, HOSTILE, null)).isEqualTo("before the stop");
        var unexposed = script("unexpose-database.sh", Map.of(), id).path("unexposeDatabase").path("database");
        assertThat(unexposed.path("publicPort").isNull()).isTrue();
        script("delete-database.sh", Map.of(), id, "--remove-volume");
        var deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline) && docker("volume", "ls", "-q", "--filter", "name=berth-db-" + id).length() > 0) Thread.sleep(300);
        assertThat(docker("volume", "ls", "-q", "--filter", "name=berth-db-" + id)).isEmpty();
    }

    @org.junit.jupiter.api.AfterAll
    void everyDatabaseScriptRan() throws Exception {
        examples.assertEveryOneRan();
    }

    private JsonNode awaitBackup(String id, String field, String status) throws InterruptedException {
        var deadline = Instant.now().plus(Duration.ofSeconds(120));
        JsonNode seen = null;
        while (Instant.now().isBefore(deadline)) {
            seen = http().data("query($id: ID!) { backup(id: $id) { id status sizeBytes sha256 detail objectKey restoreStatus restoreDetail verifyStatus verification verifiedAt } }",
                    Map.of("id", id)).path("backup");
            if (seen.path(field).asText().equals(status)) return seen;
            if (seen.path(field).asText().equals("FAILED") && !status.equals("FAILED")) break;
            Thread.sleep(300);
        }
        var log = http().data("query($id: ID!) { backup(id: $id) { logs(first: 1000) { at text } } }", Map.of("id", id)).path("backup").path("logs");
        throw new AssertionError("backup " + id + " " + field + " not " + status + ": " + seen + "\nits log: " + log);
    }

    private static int count(String url, String sql) throws SQLException {
        try (var connection = DriverManager.getConnection(url, "postgres", HOSTILE); var statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /**
     * A PostgreSQL database backed up to a real S3-compatible server (s3proxy, the AWS SDK v2 client), changed, restored
     * to what it was; the stored object is the dump Berth hashed; a truncated object fails its restore, and a restore
     * needs the database's name confirmed.
     */
    @Test
    void aPostgresqlBackupGoesToS3AndARestoreBringsTheDataBack() throws Exception {
        var s3 = dev.berth.testing.TestS3.get();
        int port = freePort();
        var input = new LinkedHashMap<String, Object>(Map.of("environmentId", environmentId, "serverId", serverId, "name", uniqueName("bk"),
                "engine", "POSTGRESQL", "image", TestDocker.POSTGRES, "publicPort", port, "password", HOSTILE));
        var id = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id } } }", Map.of("i", input))
                .path("createDatabase").path("database").path("id").asText();
        var dbName = awaitStatus(id, "RUNNING").path("databaseName").asText();
        var url = "jdbc:postgresql://127.0.0.1:" + port + "/" + dbName;
        try (var connection = DriverManager.getConnection(url, "postgres", HOSTILE); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (n int, note text)");
            statement.execute("INSERT INTO orders SELECT i, repeat('x', 100) FROM generate_series(1, 5000) i");
        }
        // while backups, restores and verifications run, no process on the server ever has the password or the bucket's
        // secret key in its argv (sampled every 20 ms until the end of the test)
        var leaked = new java.util.concurrent.atomic.AtomicReference<String>();
        var sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        var sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                try {
                    var argv = processArguments();
                    if (argv.contains(HOSTILE) || argv.contains(dev.berth.testing.TestS3.SECRET_KEY)) leaked.set(argv);
                    Thread.sleep(20);
                } catch (Exception e) {
                    return;
                }
            }
        });
        // the examples a user runs: keys from the environment, never argv
        var destination = script("create-backup-destination.sh", Map.of("BERTH_S3_ACCESS_KEY", dev.berth.testing.TestS3.ACCESS_KEY,
                        "BERTH_S3_SECRET_KEY", dev.berth.testing.TestS3.SECRET_KEY), uniqueName("s3"), s3.endpoint(), "us-east-1",
                dev.berth.testing.TestS3.BUCKET, "team/backups", "--path-style").path("createBackupDestination").path("backupDestination");
        var destinationId = destination.path("id").asText();
        assertThat(destination.toString()).doesNotContain(dev.berth.testing.TestS3.SECRET_KEY);
        var tested = script("test-backup-destination.sh", Map.of(), destinationId).path("testBackupDestination");
        assertThat(tested.path("ok").asBoolean()).as(tested.toString()).isTrue();

        var backupId = script("backup-database.sh", Map.of(), id, destinationId, "--verify").path("backupDatabase").path("backup").path("id").asText();
        var done = awaitBackup(backupId, "status", "SUCCEEDED");
        var stored = s3.objects().resolve(done.path("objectKey").asText());
        assertThat(done.path("objectKey").asText()).startsWith("team/backups/berth/" + id + "/").endsWith(".pgdump");
        assertThat(Files.size(stored)).isEqualTo(done.path("sizeBytes").asLong()).isGreaterThan(10_000);
        var sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(stored)));
        assertThat(done.path("sha256").asText()).isEqualTo(sha);
        assertThat(new String(Files.readAllBytes(stored), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("PGDMP"); // pg_dump's custom format
        assertThat(script("get-backup.sh", Map.of(), backupId).path("backup").path("sha256").asText()).isEqualTo(sha);
        assertThat(script("list-backups.sh", Map.of(), id).toString()).contains(backupId);
        // verified: restored into a throwaway container and counted, which is gone afterwards
        var verified = awaitBackup(backupId, "verifyStatus", "SUCCEEDED");
        assertThat(verified.path("verification").asText()).isEqualTo("restored: 1 tables, 5000 rows");
        assertThat(verified.path("verifiedAt").isNull()).isFalse();
        assertThat(docker("ps", "-aq", "--filter", "label=berth.verify=" + backupId)).isEmpty();
        assertThat(docker("volume", "ls", "-q", "--filter", "name=berth-verify-" + backupId)).isEmpty();

        try (var connection = DriverManager.getConnection(url, "postgres", HOSTILE); var statement = connection.createStatement()) {
            statement.execute("DELETE FROM orders WHERE n > 10");
            statement.execute("CREATE TABLE later (n int)");
        }
        var unconfirmed = http().post("mutation($b: ID!) { restoreBackup(input: {backupId: $b, confirmDatabaseName: \"another\"}) { backup { id } } }",
                Map.of("b", backupId)).json().path("errors").get(0);
        assertThat(unconfirmed.path("extensions").path("field").asText()).isEqualTo("input.confirmDatabaseName");
        script("restore-backup.sh", Map.of(), backupId, input.get("name").toString());
        awaitBackup(backupId, "restoreStatus", "SUCCEEDED");
        assertThat(count(url, "SELECT count(*) FROM orders")).as("the rows deleted after the backup are back").isEqualTo(5000);
        // into another database of the same engine: a copy
        int copyPort = freePort();
        var copyName = uniqueName("copy");
        var copy = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id databaseName } } }",
                Map.of("i", Map.of("environmentId", environmentId, "serverId", serverId, "name", copyName, "engine", "POSTGRESQL",
                        "image", TestDocker.POSTGRES, "publicPort", copyPort, "password", HOSTILE))).path("createDatabase").path("database");
        awaitStatus(copy.path("id").asText(), "RUNNING");
        script("restore-backup.sh", Map.of(), backupId, copyName, copy.path("id").asText());
        awaitBackup(backupId, "restoreStatus", "SUCCEEDED");
        var copyUrl = "jdbc:postgresql://127.0.0.1:" + copyPort + "/" + copy.path("databaseName").asText();
        assertThat(count(copyUrl, "SELECT count(*) FROM orders")).isEqualTo(5000);
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", copy.path("id").asText()));

        // a damaged object: its restore fails, saying so, and the data stays as it was
        Files.write(stored, java.util.Arrays.copyOf(Files.readAllBytes(stored), (int) (Files.size(stored) / 2)));
        http().data("mutation($b: ID!, $n: String!) { restoreBackup(input: {backupId: $b, confirmDatabaseName: $n}) { backup { restoreStatus } } }",
                Map.of("b", backupId, "n", input.get("name")));
        var failed = awaitBackup(backupId, "restoreStatus", "FAILED");
        assertThat(failed.path("restoreDetail").asText()).contains("the stored object has");
        script("verify-backup.sh", Map.of(), backupId);
        assertThat(awaitBackup(backupId, "verifyStatus", "FAILED").path("verification").asText()).contains("the stored object has");
        assertThat(failed.toString()).doesNotContain(HOSTILE);
        assertThat(count(url, "SELECT count(*) FROM orders")).as("nothing was restored from a damaged object").isEqualTo(5000);
        // the same size but other bytes: caught by the SHA-256 before the restore replaces anything
        var bytes = java.util.Arrays.copyOf(Files.readAllBytes(stored), done.path("sizeBytes").asInt());
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(stored, bytes);
        try (var connection = DriverManager.getConnection(url, "postgres", HOSTILE); var statement = connection.createStatement()) {
            statement.execute("DELETE FROM orders WHERE n > 4000");
        }
        script("restore-backup.sh", Map.of(), backupId, input.get("name").toString());
        assertThat(awaitBackup(backupId, "restoreStatus", "FAILED").path("restoreDetail").asText()).contains("differs from the backup");
        assertThat(count(url, "SELECT count(*) FROM orders")).isEqualTo(4000);

        // the Node example: a database created, followed until it runs, backed up and verified
        var nodeDatabase = uniqueName("node");
        var example = new ProcessBuilder("node", "database-backup.mjs", environmentId, serverId, nodeDatabase, "POSTGRESQL", destinationId,
                "--image", TestDocker.POSTGRES, "--port", Integer.toString(freePort()), "--verify").directory(Path.of("client-examples").toAbsolutePath().toFile())
                .redirectErrorStream(true);
        example.environment().put("BERTH_URL", "http://127.0.0.1:" + server.getPort());
        example.environment().put("BERTH_TOKEN", user().accessToken());
        var run = example.start();
        assertThat(run.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).as("database-backup.mjs ended").isTrue();
        var printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.exitValue()).as(printed).isZero();
        assertThat(printed).contains("database " + nodeDatabase + " RUNNING").contains(" SUCCEEDED ").contains("verify SUCCEEDED: restored: 0 tables");
        // followed over graphql-ws: the dump's lines, then the verification's, in order, then the final state
        assertThat(printed).containsSubsequence("log 1 Backing up " + nodeDatabase, "Backup succeeded", "Verifying:", "Verified: restored: 0 tables",
                "backup ");

        // the whole log of the first backup: its run, its verification, its restores and failures, none with the password
        var logLines = script("backup-logs.sh", Map.of(), backupId).path("backup").path("logs");
        var texts = new java.util.ArrayList<String>();
        for (int i = 0; i < logLines.size(); i++) {
            assertThat(logLines.get(i).path("seq").asInt()).as("seq without gaps").isEqualTo(i + 1);
            texts.add(logLines.get(i).path("text").asText());
        }
        assertThat(texts).anyMatch(t -> t.equals("Stored " + done.path("sizeBytes").asLong() + " bytes, SHA-256 " + sha))
                .contains("Verified: restored: 1 tables, 5000 rows", "Restored").anyMatch(t -> t.startsWith("Restore failed: the stored object has"))
                .anyMatch(t -> t.startsWith("Restore failed: the stored object differs"));
        assertThat(logLines.toString()).doesNotContain(HOSTILE);
        var afterTen = script("backup-logs.sh", Map.of(), backupId, "10").path("backup").path("logs");
        assertThat(afterTen.get(0).path("seq").asInt()).isEqualTo(11);

        // a schedule every 2 s keeping 2: it fires, and its older backups go (objects first); the manual one stays
        var badCron = http().post("mutation($d: ID!, $t: ID!) { createBackupSchedule(input: {databaseId: $d, destinationId: $t, cron: \"every day\"}) { backupSchedule { id } } }",
                Map.of("d", id, "t", destinationId)).json().path("errors").get(0);
        assertThat(badCron.path("extensions").path("field").asText()).isEqualTo("input.cron");
        var never = http().post("mutation($d: ID!, $t: ID!) { createBackupSchedule(input: {databaseId: $d, destinationId: $t, cron: \"0 0 30 2 *\"}) { backupSchedule { id } } }",
                Map.of("d", id, "t", destinationId)).json().path("errors").get(0);
        assertThat(never.path("message").asText()).contains("never runs");
        var schedule = script("create-backup-schedule.sh", Map.of(), id, destinationId, "*/2 * * * * *", "Europe/Berlin", "2")
                .path("createBackupSchedule").path("backupSchedule");
        assertThat(schedule.path("retention").path("count").asInt()).isEqualTo(2);
        var made = new java.util.HashSet<String>();
        var scheduleDeadline = Instant.now().plusSeconds(60);
        while (made.size() < 3 && Instant.now().isBefore(scheduleDeadline)) {
            for (var b : http().data("query($id: ID!) { database(id: $id) { backups(first: 50) { id status } } }", Map.of("id", id))
                    .path("database").path("backups")) {
                if (b.path("status").asText().equals("SUCCEEDED") && !b.path("id").asText().equals(backupId)) made.add(b.path("id").asText());
            }
            Thread.sleep(300);
        }
        assertThat(made).as("scheduled backups made").hasSizeGreaterThanOrEqualTo(3);
        script("delete-backup-schedule.sh", Map.of(), schedule.path("id").asText());
        Thread.sleep(3000); // a run under way ends (and prunes)
        var listed = http().data("query($id: ID!) { database(id: $id) { backups(first: 50) { id status } backupSchedules { id } } }", Map.of("id", id)).path("database");
        assertThat(listed.path("backupSchedules")).isEmpty();
        var succeeded = new java.util.ArrayList<String>();
        for (var b : listed.path("backups")) if (b.path("status").asText().equals("SUCCEEDED")) succeeded.add(b.path("id").asText());
        assertThat(succeeded).as("the manual backup and at most the two newest scheduled ones").contains(backupId).hasSizeLessThanOrEqualTo(3);
        try (var objects = Files.list(stored.getParent())) {
            assertThat(objects.count()).as("pruned objects are gone from the bucket").isLessThanOrEqualTo(3);
        }

        // a stopped database cannot be backed up: the backup fails, saying why
        mutate("stopDatabase", id);
        awaitStatus(id, "STOPPED");
        var refused = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                Map.of("d", id, "t", destinationId)).path("backupDatabase").path("backup").path("id").asText();
        assertThat(awaitBackup(refused, "status", "FAILED").path("detail").asText()).contains("not running");
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", id));
        script("delete-backup-destination.sh", Map.of(), destinationId);
        assertThat(Files.exists(stored)).as("what is stored stays").isTrue();
        sampling.set(false);
        sampler.join(5000);
        assertThat(leaked.get()).as("a process's argv with a secret in it").isNull();
    }

    /** Runs SQL in a MariaDB database's container, its root password passed through the docker CLI's environment. */
    private static String mariadb(String id, String sql) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of("docker", "-H", "unix://" + TestDocker.get().socket(), "exec", "-e", "MYSQL_PWD",
                "berth-db-" + id, "mariadb", "-N", "-B", "-h", "127.0.0.1", "-P", "3306", "-u", "root", "-e", sql));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MYSQL_PWD", HOSTILE);
        var process = builder.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    /**
     * MariaDB (Debian's, behind the official image's MARIADB_* contract) and Redis through the same backup path: a
     * MariaDB database backed up with mariadb-dump to S3, verified in a throwaway, changed and restored; a Redis database's
     * RDB snapshot backed up.
     */
    @Test
    void mariadbBacksUpVerifiesAndRestoresAndRedisBacksUpItsSnapshot() throws Exception {
        var s3 = dev.berth.testing.TestS3.get();
        var destinationId = s3Destination(s3);
        // MariaDB listens on 3306 (a port of its own on the host network: the test machine runs no other MariaDB)
        var name = uniqueName("maria");
        var maria = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id databaseName internalUrl } } }",
                Map.of("i", Map.of("environmentId", environmentId, "serverId", serverId, "name", name, "engine", "MARIADB",
                        "image", TestDocker.MARIADB, "password", HOSTILE))).path("createDatabase").path("database");
        var id = maria.path("id").asText();
        var db = maria.path("databaseName").asText();
        assertThat(maria.path("internalUrl").asText()).isEqualTo("mysql://app@127.0.0.1:3306/" + db);
        awaitStatus(id, "RUNNING");
        mariadb(id, "USE `" + db + "`; CREATE TABLE items (n INT PRIMARY KEY) ENGINE=InnoDB; INSERT INTO items SELECT seq FROM seq_1_to_300");
        var backupId = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t, verify: true}) { backup { id } } }",
                Map.of("d", id, "t", destinationId)).path("backupDatabase").path("backup").path("id").asText();
        var done = awaitBackup(backupId, "status", "SUCCEEDED");
        assertThat(done.path("objectKey").asText()).endsWith(".sql");
        assertThat(Files.readString(s3.objects().resolve(done.path("objectKey").asText()))).contains("CREATE TABLE `items`").contains("INSERT INTO `items`");
        assertThat(awaitBackup(backupId, "verifyStatus", "SUCCEEDED").path("verification").asText()).startsWith("restored: 1 tables,");
        mariadb(id, "DELETE FROM `" + db + "`.items WHERE n > 10");
        http().data("mutation($b: ID!, $n: String!) { restoreBackup(input: {backupId: $b, confirmDatabaseName: $n}) { backup { id } } }",
                Map.of("b", backupId, "n", name));
        awaitBackup(backupId, "restoreStatus", "SUCCEEDED");
        assertThat(mariadb(id, "SELECT COUNT(*) FROM `" + db + "`.items")).isEqualTo("300");

        // the same database to a directory on its server (written over SSH): verified, restored, and a damaged file caught
        var directory = Files.createTempDirectory("berth-dir-backups").resolve("team backups".replace(' ', '-'));
        var onServer = script("create-directory-destination.sh", Map.of(), uniqueName("dir"), serverId, directory.toString())
                .path("createBackupDestination").path("backupDestination");
        assertThat(onServer.path("kind").asText()).isEqualTo("SERVER_DIRECTORY");
        var tried = script("test-backup-destination.sh", Map.of(), onServer.path("id").asText()).path("testBackupDestination");
        assertThat(tried.path("ok").asBoolean()).as(tried.toString()).isTrue();
        try (var left = Files.list(directory)) {
            assertThat(left.toList()).as("the test's probe file is deleted").isEmpty();
        }
        var toDirectory = script("backup-database.sh", Map.of(), id, onServer.path("id").asText(), "--verify").path("backupDatabase").path("backup").path("id").asText();
        var inDirectory = awaitBackup(toDirectory, "status", "SUCCEEDED");
        var file = directory.resolve(inDirectory.path("objectKey").asText());
        assertThat(file.getParent()).isEqualTo(directory.resolve("berth").resolve(id));
        assertThat(Files.size(file)).isEqualTo(inDirectory.path("sizeBytes").asLong());
        assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                .isEqualTo(inDirectory.path("sha256").asText());
        try (var beside = Files.list(file.getParent())) {
            assertThat(beside.map(Path::toString).toList()).as("no .part file left").noneMatch(p -> p.endsWith(".part"));
        }
        // the SSH user's alone: a dump holds the whole database
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        // a directory every user of the server may write is refused
        var open = Files.createTempDirectory("berth-open");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        var openDestination = http().data("mutation($s: ID!, $d: String!) { createBackupDestination(input: {name: \"open\", serverId: $s, directory: $d}) { backupDestination { id } } }",
                Map.of("s", serverId, "d", open.toString())).path("createBackupDestination").path("backupDestination").path("id").asText();
        var refused = http().data("mutation($id: ID!) { testBackupDestination(input: {id: $id}) { ok failedStep reason } }", Map.of("id", openDestination))
                .path("testBackupDestination");
        assertThat(refused.path("ok").asBoolean()).isFalse();
        assertThat(refused.path("reason").asText()).contains("writable by every user");
        try (var left = Files.list(open)) {
            assertThat(left.toList()).isEmpty();
        }
        assertThat(awaitBackup(toDirectory, "verifyStatus", "SUCCEEDED").path("verification").asText()).startsWith("restored: 1 tables,");
        mariadb(id, "DELETE FROM `" + db + "`.items WHERE n > 20");
        http().data("mutation($b: ID!, $n: String!) { restoreBackup(input: {backupId: $b, confirmDatabaseName: $n}) { backup { id } } }",
                Map.of("b", toDirectory, "n", name));
        awaitBackup(toDirectory, "restoreStatus", "SUCCEEDED");
        assertThat(mariadb(id, "SELECT COUNT(*) FROM `" + db + "`.items")).isEqualTo("300");
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) / 3));
        script("verify-backup.sh", Map.of(), toDirectory);
        assertThat(awaitBackup(toDirectory, "verifyStatus", "FAILED").path("verification").asText()).contains("the stored object has");
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", id));

        int port = freePort();
        var redisName = uniqueName("rdb");
        var redis = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id } } }",
                Map.of("i", Map.of("environmentId", environmentId, "serverId", serverId, "name", redisName, "engine", "REDIS",
                        "image", TestDocker.REDIS, "publicPort", port, "password", HOSTILE))).path("createDatabase").path("database").path("id").asText();
        awaitStatus(redis, "RUNNING");
        redisGetSet(port, HOSTILE, "in the snapshot");
        var snapshot = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                Map.of("d", redis, "t", destinationId)).path("backupDatabase").path("backup").path("id").asText();
        var rdb = awaitBackup(snapshot, "status", "SUCCEEDED");
        var bytes = Files.readAllBytes(s3.objects().resolve(rdb.path("objectKey").asText()));
        assertThat(new String(bytes, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("REDIS"); // an RDB file
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("in the snapshot");
        // verified in a throwaway Redis that loads it, and restored: the server stops, loads the snapshot, comes back
        script("verify-backup.sh", Map.of(), snapshot);
        assertThat(awaitBackup(snapshot, "verifyStatus", "SUCCEEDED").path("verification").asText()).isEqualTo("restored: 1 keys");
        redisGetSet(port, HOSTILE, "changed after the snapshot");
        script("restore-backup.sh", Map.of(), snapshot, redisName);
        awaitBackup(snapshot, "restoreStatus", "SUCCEEDED");
        assertThat(redisGetSet(port, HOSTILE, null)).isEqualTo("in the snapshot");
        // and what it restored persists: the append-only files it runs on now are the snapshot's
        http().data("mutation($id: ID!) { restartDatabase(input: {id: $id}) { database { id } } }", Map.of("id", redis));
        var back = Instant.now().plusSeconds(60);
        String kept = null;
        while (Instant.now().isBefore(back)) {
            try {
                kept = redisGetSet(port, HOSTILE, null);
                if (kept != null) break;
            } catch (RuntimeException notYet) {
                // restarting
            }
            Thread.sleep(300);
        }
        assertThat(kept).isEqualTo("in the snapshot");
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", redis));
    }

    /** A destination in the test S3 server's bucket. */
    private String s3Destination(dev.berth.testing.TestS3 s3) {
        return http().data("mutation($i: CreateBackupDestinationInput!) { createBackupDestination(input: $i) { backupDestination { id } } }",
                Map.of("i", Map.of("name", uniqueName("s3"), "endpoint", s3.endpoint(), "region", "us-east-1", "bucket", dev.berth.testing.TestS3.BUCKET,
                        "pathStyle", true, "accessKey", dev.berth.testing.TestS3.ACCESS_KEY, "secretKey", dev.berth.testing.TestS3.SECRET_KEY)))
                .path("createBackupDestination").path("backupDestination").path("id").asText();
    }

    /** A PUT sent by hand over a socket (the hostile cases a real client would not send): the status line and body. */
    private String rawPut(String path, String headers, byte[] body, boolean leaveEarly) throws Exception {
        try (var socket = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            if (leaveEarly) return "";
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A dump of the user's own imported (Dokploy's ask): announced with importBackup, streamed up with curl -T, stored,
     * verified and restored; and every way an upload can go wrong fails it with the reason, or is refused before a byte
     * is stored: another token, a size that is not the one announced, no length, a file that is not pg_dump's, a client
     * that leaves midway, a token used twice, an upload that never comes.
     */
    @Test
    void anImportedDumpIsStoredVerifiedAndRestoredAndEveryBadUploadFails() throws Exception {
        var s3 = dev.berth.testing.TestS3.get();
        var destinationId = s3Destination(s3);
        int port = freePort();
        var name = uniqueName("imp");
        var created = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id databaseName } } }",
                Map.of("i", Map.of("environmentId", environmentId, "serverId", serverId, "name", name, "engine", "POSTGRESQL",
                        "image", TestDocker.POSTGRES, "publicPort", port, "password", HOSTILE))).path("createDatabase").path("database");
        var id = created.path("id").asText();
        awaitStatus(id, "RUNNING");
        var url = "jdbc:postgresql://127.0.0.1:" + port + "/" + created.path("databaseName").asText();
        try (var connection = DriverManager.getConnection(url, "postgres", HOSTILE); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE imported (n int)");
            statement.execute("INSERT INTO imported SELECT generate_series(1, 700)");
        }
        // the user's own dump: here one Berth made, taken out of the bucket as a user would have it on disk
        var made = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                Map.of("d", id, "t", destinationId)).path("backupDatabase").path("backup").path("id").asText();
        var dump = Files.createTempFile("own", ".pgdump");
        Files.copy(s3.objects().resolve(awaitBackup(made, "status", "SUCCEEDED").path("objectKey").asText()), dump,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (var connection = DriverManager.getConnection(url, "postgres", HOSTILE); var statement = connection.createStatement()) {
            statement.execute("DROP TABLE imported");
        }

        var answer = script("import-backup.sh", Map.of(), id, destinationId, dump.toString(), "--verify");
        var imported = awaitBackup(answer.path("backupId").asText(), "status", "SUCCEEDED");
        assertThat(imported.path("sizeBytes").asLong()).isEqualTo(Files.size(dump));
        assertThat(imported.path("sha256").asText()).isEqualTo(answer.path("sha256").asText())
                .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dump))));
        // its verification, queued with SUCCEEDED, runs (a throwaway container takes seconds to start): one run of a backup at a time
        var meanwhile = http().post("mutation($b: ID!, $n: String!) { restoreBackup(input: {backupId: $b, confirmDatabaseName: $n}) { backup { id } } }",
                Map.of("b", imported.path("id").asText(), "n", name));
        assertThat(meanwhile.firstErrorCode()).isEqualTo("CONFLICT");
        assertThat(awaitBackup(imported.path("id").asText(), "verifyStatus", "SUCCEEDED").path("verification").asText()).isEqualTo("restored: 1 tables, 700 rows");
        http().data("mutation($b: ID!, $n: String!) { restoreBackup(input: {backupId: $b, confirmDatabaseName: $n}) { backup { id } } }",
                Map.of("b", imported.path("id").asText(), "n", name));
        awaitBackup(imported.path("id").asText(), "restoreStatus", "SUCCEEDED");
        assertThat(count(url, "SELECT count(*) FROM imported")).isEqualTo(700);

        var bytes = Files.readAllBytes(dump);
        var importOne = "mutation($d: ID!, $t: ID!, $s: Float!) { importBackup(input: {databaseId: $d, destinationId: $t, sizeBytes: $s}) { backup { id } uploadPath uploadToken } }";
        java.util.function.Supplier<JsonNode> start = () -> http().data(importOne, Map.of("d", id, "t", destinationId, "s", bytes.length)).path("importBackup");
        var length = "Content-Length: " + bytes.length + "\r\n";
        // another token, no token, a size other than announced, no length: refused before a byte is stored; the import still waits
        var waiting = start.get();
        var path = waiting.path("uploadPath").asText();
        var token = "X-Berth-Upload-Token: " + waiting.path("uploadToken").asText() + "\r\n";
        assertThat(rawPut(path, "X-Berth-Upload-Token: not-it\r\n" + length, bytes, false)).startsWith("HTTP/1.1 403").contains("FORBIDDEN");
        assertThat(rawPut(path, length, bytes, false)).startsWith("HTTP/1.1 401");
        assertThat(rawPut(path, token + "Content-Length: " + (bytes.length - 1) + "\r\n", java.util.Arrays.copyOf(bytes, bytes.length - 1), false))
                .startsWith("HTTP/1.1 400").contains("announced");
        assertThat(rawPut(path, token + "Transfer-Encoding: chunked\r\n", "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false)).startsWith("HTTP/1.1 411");
        assertThat(awaitBackup(waiting.path("backup").path("id").asText(), "status", "QUEUED").path("objectKey").asText()).contains("-imported.");
        // the client leaves midway: FAILED, nothing stored
        rawPut(path, token + length, java.util.Arrays.copyOf(bytes, bytes.length / 2), true);
        var left = awaitBackup(waiting.path("backup").path("id").asText(), "status", "FAILED");
        assertThat(left.path("detail").asText()).startsWith("the client left after");
        assertThat(Files.exists(s3.objects().resolve(left.path("objectKey").asText()))).isFalse();
        // the token worked once
        assertThat(rawPut(path, token + length, bytes, false)).startsWith("HTTP/1.1 404");
        // not pg_dump's format
        var other = start.get();
        var junk = new byte[bytes.length];
        java.util.Arrays.fill(junk, (byte) 'x');
        assertThat(rawPut(other.path("uploadPath").asText(), "X-Berth-Upload-Token: " + other.path("uploadToken").asText() + "\r\n" + length, junk, false))
                .startsWith("HTTP/1.1 422").contains("not a pg_dump custom-format file");
        // and an upload that never comes: FAILED once its time is up (20 s here)
        var never = start.get().path("backup").path("id").asText();
        var expired = http().data("query($id: ID!) { backup(id: $id) { status } }", Map.of("id", never)).path("backup");
        assertThat(expired.path("status").asText()).isEqualTo("QUEUED");
        var deadline = Instant.now().plusSeconds(60);
        JsonNode seen;
        do {
            Thread.sleep(500);
            seen = http().data("query($id: ID!) { backup(id: $id) { status detail logs { text } } }", Map.of("id", never)).path("backup");
        } while (seen.path("status").asText().equals("QUEUED") && Instant.now().isBefore(deadline));
        assertThat(seen.path("status").asText()).isEqualTo("FAILED");
        assertThat(seen.path("detail").asText()).startsWith("no upload arrived within");
        var bad = http().post(importOne, Map.of("d", id, "t", destinationId, "s", 0)).json().path("errors").get(0);
        assertThat(bad.path("extensions").path("field").asText()).isEqualTo("input.sizeBytes");
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", id));
    }

    /** Every process's argv on this machine (the test server's containers run here). */
    private static String processArguments() throws Exception {
        var all = new StringBuilder();
        try (var processes = Files.list(Path.of("/proc"))) {
            for (var process : (Iterable<Path>) processes.filter(p -> p.getFileName().toString().matches("\\d+"))::iterator) {
                try {
                    all.append(new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ')).append('\n');
                } catch (java.io.IOException gone) {
                    // ended meanwhile
                }
            }
        }
        return all.toString();
    }

    private static String docker(String... args) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of("docker", "-H", "unix://" + TestDocker.get().socket()));
        command.addAll(java.util.List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        process.waitFor();
        return output;
    }
}
