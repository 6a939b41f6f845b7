package dev.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.database.DatabaseService;
import dev.berth.server.ServerCommands;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestS3;
import dev.berth.testing.TestSshd;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/run.sh backup}: Berth's backup and restore of a PostgreSQL database of at least
 * {@code -Dberth.bench.gb} GB (1 by default) against a bare {@code pg_dump -Fc | pg_restore} of the same data on the
 * same server, in one run, interleaved (bare, Berth, bare, Berth): Berth's round trip is its backup (the dump streamed
 * from the container through Berth into S3, counted and hashed) plus its restore (the object streamed back into the
 * container, checked, then pg_restore). Berth's heap is sampled every 100 ms while it streams, its RSS printed. Not a
 * test (surefire never picks it up by name); it prints figures and asserts only that each run was whole.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class BackupBenchmark extends BerthTestBase {
    private static final String PASSWORD = "bench-" + UUID.randomUUID();

    @Inject
    DatabaseService databases;
    @Inject
    ServerCommands commands;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.deployments.network", "host");
    }

    @Test
    void backupAndRestoreAgainstTheBarePipeline() throws Exception {
        double gb = Double.parseDouble(System.getProperty("berth.bench.gb", "1"));
        int rounds = Integer.getInteger("berth.bench.rounds", 2);
        var sshd = TestSshd.get();
        var daemon = TestDocker.get();
        daemon.engines();
        var s3 = TestS3.get();
        var keyId = ManagedServers.authorizedKey(http(), sshd, "bench-" + UUID.randomUUID().toString().substring(0, 6));
        var serverId = ManagedServers.server(http(), sshd, keyId, sshd.port(), daemon.socket()).toString();
        var environmentId = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("bench"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        var destinationId = http().data("mutation($i: CreateBackupDestinationInput!) { createBackupDestination(input: $i) { backupDestination { id } } }",
                Map.of("i", Map.of("name", uniqueName("s3"), "endpoint", s3.endpoint(), "region", "us-east-1", "bucket", TestS3.BUCKET,
                        "pathStyle", true, "accessKey", TestS3.ACCESS_KEY, "secretKey", TestS3.SECRET_KEY)))
                .path("createBackupDestination").path("backupDestination").path("id").asText();
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var name = uniqueName("big");
        var created = http().data("mutation($i: CreateDatabaseInput!) { createDatabase(input: $i) { database { id databaseName } } }",
                Map.of("i", Map.of("environmentId", environmentId, "serverId", serverId, "name", name, "engine", "POSTGRESQL",
                        "image", TestDocker.POSTGRES, "publicPort", port, "password", PASSWORD, "memoryLimitMiB", 2048)))
                .path("createDatabase").path("database");
        var id = created.path("id").asText();
        var db = created.path("databaseName").asText();
        await(() -> http().data("query($id: ID!) { database(id: $id) { status } }", Map.of("id", id)).path("database").path("status").asText(), "RUNNING");
        var url = "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
        long size;
        var filling = Instant.now();
        try (var connection = DriverManager.getConnection(url, "postgres", PASSWORD); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE events (id bigint PRIMARY KEY, kind text, payload text)");
            long target = (long) (gb * 1e9);
            long next = 1;
            while (true) {
                var rs = statement.executeQuery("SELECT pg_database_size(current_database())");
                rs.next();
                size = rs.getLong(1);
                if (size >= target) break;
                // ~270 bytes a row of hex text: pg_dump -Fc compresses it about 2:1
                statement.execute("INSERT INTO events SELECT i, 'kind-' || (i % 17), repeat(md5(i::text) || md5((i * 31)::text), 4)"
                        + " FROM generate_series(" + next + ", " + (next + 499_999) + ") i");
                next += 500_000;
            }
            statement.execute("CREATE DATABASE bench_copy");
        }
        System.out.printf("BENCH dataset: %.2f GB in %d s%n", size / 1e9, Duration.between(filling, Instant.now()).toSeconds());
        var viewer = ManagedServers.ownerViewer(user());
        var inside = databases.inside(viewer, UUID.fromString(id), commands);

        var results = new ArrayList<String>();
        double bareSum = 0, berthSum = 0, bareDumpSum = 0, bareRestoreSum = 0, berthBackupSum = 0, berthRestoreSum = 0;
        for (int round = 1; round <= rounds; round++) {
            // the bare pipeline, inside the database's container: the same dump into a copy, with Berth's restore flags
            var load0 = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            var env = Map.of("PGPASSWORD", new dev.berth.secrets.Secret(PASSWORD));
            var restoreFlags = "pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction -h 127.0.0.1 -U postgres -d bench_copy";
            // each stage alone (the dump to a file in the container, the restore from it), then the two piped
            long d0 = System.nanoTime();
            var bareDump = inside.containers().exec(inside.containerId(), List.of("sh", "-c",
                    "pg_dump -Fc -h 127.0.0.1 -U postgres -d \"$0\" > /tmp/bare.dump", db), env, Duration.ofHours(2), 4096);
            double bareDumpS = (System.nanoTime() - d0) / 1e9;
            assertThat(bareDump.succeeded()).as(bareDump.stderr()).isTrue();
            long r0 = System.nanoTime();
            var bareRestore = inside.containers().exec(inside.containerId(), List.of("sh", "-c", restoreFlags + " /tmp/bare.dump; rc=$?; rm -f /tmp/bare.dump; exit $rc"),
                    env, Duration.ofHours(2), 4096);
            double bareRestoreS = (System.nanoTime() - r0) / 1e9;
            assertThat(bareRestore.succeeded()).as(bareRestore.stderr()).isTrue();
            long t0 = System.nanoTime();
            var bare = inside.containers().exec(inside.containerId(), List.of("sh", "-c",
                    "pg_dump -Fc -h 127.0.0.1 -U postgres -d \"$0\" | " + restoreFlags, db), env, Duration.ofHours(2), 4096);
            double bareS = (System.nanoTime() - t0) / 1e9;
            assertThat(bare.succeeded()).as(bare.stderr()).isTrue();

            var heap = new HeapSampler();
            heap.start();
            long t1 = System.nanoTime();
            var backupId = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                    Map.of("d", id, "t", destinationId)).path("backupDatabase").path("backup").path("id").asText();
            await(() -> backup(backupId).path("status").asText(), "SUCCEEDED");
            double backupS = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            http().data("mutation($b: ID!, $n: String!) { restoreBackup(input: {backupId: $b, confirmDatabaseName: $n}) { backup { id } } }",
                    Map.of("b", backupId, "n", name));
            await(() -> backup(backupId).path("restoreStatus").asText(), "SUCCEEDED");
            double restoreS = (System.nanoTime() - t2) / 1e9;
            heap.stop();
            long dump = backup(backupId).path("sizeBytes").asLong();
            // where the time went: the backup's own log, line by line (Berth's steps, timed by Berth)
            var steps = new StringBuilder();
            Instant previous = null;
            for (var line : http().data("query($id: ID!) { backup(id: $id) { logs(first: 100) { at text } } }", Map.of("id", backupId)).path("backup").path("logs")) {
                var at = Instant.parse(line.path("at").asText());
                if (previous != null) steps.append(String.format(" +%.1fs", Duration.between(previous, at).toMillis() / 1e3));
                var text = line.path("text").asText();
                steps.append(" ").append(text, 0, Math.min(24, text.length())).append("…");
                previous = at;
            }
            System.out.println("BENCH   steps:" + steps);
            var load1 = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            double berthS = backupS + restoreS;
            bareSum += bareS;
            berthSum += berthS;
            bareDumpSum += bareDumpS;
            bareRestoreSum += bareRestoreS;
            berthBackupSum += backupS;
            berthRestoreSum += restoreS;
            var line = String.format("round %d: backup: Berth %.1f s (%.1f MB/s of database, %.1f MB/s of dump, %d MB) vs bare pg_dump -Fc > file %.1f s: %.2fx"
                            + " | restore: Berth %.1f s (%.1f MB/s of database) vs bare pg_restore < file %.1f s: %.2fx"
                            + " | round trip: Berth %.1f s vs bare pg_dump|pg_restore %.1f s: %.2fx"
                            + " | Berth heap: %d MB before, %d MB max while streaming (+%d MB; old gen after GC %d -> max %d MB), RSS %d MB | load %s -> %s",
                    round, backupS, size / 1e6 / backupS, dump / 1e6 / backupS, dump >> 20, bareDumpS, bareDumpS / backupS,
                    restoreS, size / 1e6 / restoreS, bareRestoreS, bareRestoreS / restoreS, berthS, bareS, bareS / berthS,
                    heap.before >> 20, heap.max.get() >> 20, (heap.max.get() - heap.before) >> 20, heap.liveBefore >> 20, heap.liveMax.get() >> 20,
                    rssMb(), load0, load1);
            results.add(line);
            System.out.println("BENCH " + line);
        }
        System.out.printf("BENCH summary (%.2f GB database, sums of %d rounds, %d cores): against the bare pg_dump -Fc | pg_restore's rate (%.1f MB/s"
                + " of database), Berth's backup runs at %.2fx (%.1f MB/s) and its restore at %.2fx (%.1f MB/s); stage by stage, backup %.2fx the bare"
                + " dump's rate, restore %.2fx the bare restore's; round trip %.2fx the pipe's (Berth backs up, then restores; the pipe does both at once)%n",
                size / 1e9, rounds, Runtime.getRuntime().availableProcessors(), size * rounds / 1e6 / bareSum,
                bareSum / berthBackupSum, size * rounds / 1e6 / berthBackupSum, bareSum / berthRestoreSum, size * rounds / 1e6 / berthRestoreSum,
                bareDumpSum / berthBackupSum, bareRestoreSum / berthRestoreSum, bareSum / berthSum);
        http().data("mutation($id: ID!) { deleteDatabase(input: {id: $id, removeVolume: true}) { deletedDatabaseId } }", Map.of("id", id));
    }

    private JsonNode backup(String id) {
        return http().data("query($id: ID!) { backup(id: $id) { status sizeBytes detail restoreStatus restoreDetail } }", Map.of("id", id)).path("backup");
    }

    private static void await(java.util.function.Supplier<String> status, String wanted) throws InterruptedException {
        var deadline = Instant.now().plus(Duration.ofHours(1));
        String seen;
        do {
            seen = status.get();
            if (seen.equals(wanted)) return;
            if (seen.equals("FAILED")) throw new AssertionError("FAILED");
            Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("not " + wanted + ": " + seen);
    }

    private static long rssMb() throws java.io.IOException {
        for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return -1;
    }

    /** Heap in use, and the old generation's live data after each collection, sampled every 100 ms on a thread of its own. */
    private static final class HeapSampler {
        final long before = used();
        final AtomicLong max = new AtomicLong(before);
        final long liveBefore = live();
        final AtomicLong liveMax = new AtomicLong(liveBefore);

        /** What the old generation held after its last collection (live data, not garbage waiting for a GC). */
        static long live() {
            return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getName().contains("Old Gen") && pool.getCollectionUsage() != null)
                    .mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum();
        }
        final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        static long used() {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        void start() {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running.get()) {
                    max.accumulateAndGet(used(), Math::max);
                    liveMax.accumulateAndGet(live(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
