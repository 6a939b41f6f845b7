package dev.berth.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthProcess;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestS3;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Backups with two more Berth nodes in JVMs of their own on one PostgreSQL and Redis (this test's node runs no jobs):
 * a schedule fires once per firing however many nodes run, and a node killed with SIGKILL in the middle of a backup
 * leaves that backup FAILED, its dump ended and nothing stored under its key, never SUCCEEDED.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class BackupNodesTest extends BerthTestBase {
    private static final Map<String, String> SERVERS = TestServers.isolated();
    private static final Map<String, String> NODE = with(SERVERS, Map.of("berth.deployments.network", "host", "berth.backups.min-interval", "1s",
            "berth.jobs.heartbeat", "1s", "berth.jobs.missed-heartbeats", "4", "berth.jobs.polling-interval", "1s", "berth.jobs.shutdown-wait", "1s"));

    private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        var all = new HashMap<>(base);
        all.putAll(more);
        return Map.copyOf(all);
    }

    @Override
    protected Map<String, String> overrides() {
        return with(SERVERS, Map.of("berth.deployments.network", "host", "berth.jobs.enabled", "false", "berth.backups.min-interval", "1s"));
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A running PostgreSQL database holding a table of 2,000 rows, on the test server; its id, port and database name. */
    private String[] postgres(String serverId, String password) throws Exception {
        var environmentId = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("bn"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        int port = freePort();
        var created = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id databaseName } } }",
                Map.of("i", Map.of("environmentId", environmentId, "serverId", serverId, "name", uniqueName("pg"), "engine", "POSTGRESQL",
                        "image", TestDocker.POSTGRES, "publicPort", port, "password", password))).path("createDatabase").path("database");
        var id = created.path("id").asText();
        var deadline = Instant.now().plus(Duration.ofSeconds(150));
        while (!http().data("query($id: ID!) { database(id: $id) { status } }", Map.of("id", id)).path("database").path("status").asText().equals("RUNNING")) {
            assertThat(Instant.now()).as("database running").isBefore(deadline);
            Thread.sleep(300);
        }
        var url = "jdbc:postgresql://127.0.0.1:" + port + "/" + created.path("databaseName").asText();
        try (var connection = DriverManager.getConnection(url, "postgres", password); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (n int, note text)");
            statement.execute("INSERT INTO orders SELECT i, md5(i::text) FROM generate_series(1, 2000) i");
        }
        return new String[] {id, url};
    }

    private String s3Destination() {
        var s3 = TestS3.get();
        return http().data("mutation($i: CreateBackupDestinationInput!) { createBackupDestination(input: $i) { backupDestination { id } } }",
                Map.of("i", Map.of("name", uniqueName("s3"), "endpoint", s3.endpoint(), "region", "us-east-1", "bucket", TestS3.BUCKET,
                        "pathStyle", true, "accessKey", TestS3.ACCESS_KEY, "secretKey", TestS3.SECRET_KEY)))
                .path("createBackupDestination").path("backupDestination").path("id").asText();
    }

    private String server() {
        var sshd = TestSshd.get();
        var daemon = TestDocker.get();
        daemon.engines();
        var keyId = ManagedServers.authorizedKey(http(), sshd, "bn-" + UUID.randomUUID().toString().substring(0, 6));
        return ManagedServers.server(http(), sshd, keyId, sshd.port(), daemon.socket()).toString();
    }

    private JsonNode backup(String id) {
        return http().data("query($id: ID!) { backup(id: $id) { id status detail objectKey sizeBytes createdAt } }", Map.of("id", id)).path("backup");
    }

    @Test
    void aScheduleFiresOncePerFiringAcrossTwoNodesAndANodeKilledMidBackupLeavesItFailed() throws Exception {
        var serverId = server();
        var password = "p'\"$(id)`!" + UUID.randomUUID().toString().substring(0, 6);
        var nodes = BerthProcess.startTwo(NODE);
        try (var first = nodes[0]; var second = nodes[1]) {
            var database = postgres(serverId, password);
            var destinationId = s3Destination();

            // every 3 s for about 13 s with both nodes running: one backup per firing, never two
            var scheduleId = http().data("mutation($d: ID!, $t: ID!) { createBackupSchedule(input: {databaseId: $d, destinationId: $t, cron: \"*/3 * * * * *\"}) { backupSchedule { id } } }",
                    Map.of("d", database[0], "t", destinationId)).path("createBackupSchedule").path("backupSchedule").path("id").asText();
            var started = Instant.now();
            Thread.sleep(13_000);
            http().data("mutation($id: ID!) { deleteBackupSchedule(input: {id: $id}) { deletedBackupScheduleId } }", Map.of("id", scheduleId));
            var elapsed = Duration.between(started, Instant.now());
            // a backup that began just before the deletion ends (however slow the machine)
            JsonNode made;
            var ending = Instant.now().plus(Duration.ofSeconds(60));
            while (true) {
                made = http().data("query($id: ID!) { database(id: $id) { backups(first: 100) { id status createdAt } } }", Map.of("id", database[0]))
                        .path("database").path("backups");
                boolean running = false;
                for (var b : made) running |= b.path("status").asText().equals("QUEUED") || b.path("status").asText().equals("RUNNING");
                if (!running || Instant.now().isAfter(ending)) break;
                Thread.sleep(300);
            }
            var all = made;
            var times = new ArrayList<Instant>();
            all.forEach(b -> times.add(Instant.parse(b.path("createdAt").asText())));
            times.sort(null);
            assertThat(times.size()).as("firings in %s: %s", elapsed, all).isBetween(3, (int) (elapsed.toSeconds() / 3) + 1);
            // one backup per firing: each in a firing's 3 s of its own (a firing picked up late still falls in its own
            // slot or the next, whose firing then is the one after: the next is computed from the run's end)
            assertThat(times.stream().map(t -> t.getEpochSecond() / 3).distinct().count()).as("one backup per firing: %s", times)
                    .isEqualTo(times.size());
            all.forEach(b -> assertThat(b.path("status").asText()).as(all.toString()).isEqualTo("SUCCEEDED"));

            // a dump held up by a lock on a catalog it reads (and the backup's own count of tables does not): the backup
            // is RUNNING, its upload begun and pg_dump started, when its node is killed
            try (var holder = DriverManager.getConnection(database[1], "postgres", password); var lock = holder.createStatement()) {
                holder.setAutoCommit(false);
                lock.execute("LOCK TABLE pg_catalog.pg_extension IN ACCESS EXCLUSIVE MODE");
                var backupId = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                        Map.of("d", database[0], "t", destinationId)).path("backupDatabase").path("backup").path("id").asText();
                var deadline = Instant.now().plus(Duration.ofSeconds(60));
                while (!backup(backupId).path("status").asText().equals("RUNNING")) {
                    assertThat(Instant.now()).as("backup running").isBefore(deadline);
                    Thread.sleep(100);
                }
                while (dumps() == 0) {
                    assertThat(Instant.now()).as("pg_dump runs").isBefore(deadline);
                    Thread.sleep(100);
                }
                Thread.sleep(500);
                var worker = picked(backupId, first, second);
                worker.kill();
                var survivor = worker == first ? second : first;
                deadline = Instant.now().plus(Duration.ofSeconds(60));
                while (backup(backupId).path("status").asText().equals("RUNNING")) {
                    assertThat(Instant.now()).as("the survivor ended it: " + survivor.output()).isBefore(deadline);
                    Thread.sleep(200);
                }
                var ended = backup(backupId);
                assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("FAILED");
                assertThat(ended.path("detail").asText()).contains("interrupted");
                assertThat(ended.path("sizeBytes").isNull()).isTrue();
                assertThat(Files.exists(TestS3.get().objects().resolve(ended.path("objectKey").asText()))).as("nothing stored under its key").isFalse();
                lock.execute("ROLLBACK");
                // the dump the dead node left waiting was ended, not left to run on when the lock went
                deadline = Instant.now().plus(Duration.ofSeconds(10));
                while (dumps() > 0) {
                    assertThat(Instant.now()).as("pg_dump ended").isBefore(deadline);
                    Thread.sleep(200);
                }
            }
            // and the survivor backs it up
            var after = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                    Map.of("d", database[0], "t", destinationId)).path("backupDatabase").path("backup").path("id").asText();
            var deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!backup(after).path("status").asText().equals("SUCCEEDED")) {
                assertThat(backup(after).path("status").asText()).isNotEqualTo("FAILED");
                assertThat(Instant.now()).as("a later backup succeeds").isBefore(deadline);
                Thread.sleep(200);
            }
            http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", database[0]));
        }
    }

    /** The node whose job engine picked the backup. */
    private static BerthProcess picked(String backupId, BerthProcess first, BerthProcess second) throws Exception {
        try (var c = DriverManager.getConnection(SERVERS.get("berth.database.url"), SERVERS.get("berth.database.username"), "");
             var s = c.prepareStatement("SELECT picked_by FROM scheduled_tasks WHERE task_name = 'database-backup' AND task_instance LIKE ? AND picked")) {
            s.setString(1, "%:" + backupId);
            var rows = s.executeQuery();
            assertThat(rows.next()).as("the backup's job is picked").isTrue();
            return rows.getString(1).equals(first.jobNode()) ? first : second;
        }
    }

    /** How many pg_dump processes run on this machine (the test server's containers run here). */
    private static int dumps() throws Exception {
        int found = 0;
        try (var processes = Files.list(Path.of("/proc"))) {
            for (var process : (Iterable<Path>) processes.filter(p -> p.getFileName().toString().matches("\\d+"))::iterator) {
                try {
                    var argv = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (argv.startsWith("pg_dump\0") || argv.contains("/pg_dump\0")) found++;
                } catch (java.io.IOException gone) {
                    // ended meanwhile
                }
            }
        }
        return found;
    }
}
