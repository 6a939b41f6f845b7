package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.Viewer;
import dev.berth.events.EventBus;
import dev.berth.storage.TeamTransactions;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.WsClient;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A deployment's log as stored: every line once, in seq order, whatever the writers, a store that fails or one held
 * mid-batch; and every way a deployment ends ends its followers. Real PostgreSQL and pub/sub; no job runs.
 */
@MicronautTest(transactional = false)
class LogWriterTest extends BerthTestBase {
    @Inject
    JdbcOperations jdbc;
    @Inject
    ObjectMapper json;
    @Inject
    TeamTransactions transactions;
    @Inject
    EventBus bus;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false");
    }

    /** The store: real, but failing or pausing when told to. */
    private final class Rows extends DeploymentRows {
        final AtomicInteger failures = new AtomicInteger();
        volatile CountDownLatch hold;
        final CountDownLatch held = new CountDownLatch(1);

        Rows() {
            super(jdbc, json);
        }

        @Override
        void appendLogs(UUID teamId, UUID deploymentId, List<LogLine> lines) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new IllegalStateException("PostgreSQL is away");
            var waitFor = hold;
            if (waitFor != null) {
                hold = null;
                held.countDown();
                try {
                    waitFor.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.appendLogs(teamId, deploymentId, lines);
        }
    }

    private UUID team() {
        return UUID.fromString(user().teamId());
    }

    private String application() {
        return dev.berth.testing.TestApplications.unreachable(http());
    }

    private UUID deployment(String app) {
        return UUID.fromString(http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app))
                .path("deployApplication").path("deployment").path("id").asText());
    }

    private List<Long> stored(Rows rows, UUID deployment) {
        return transactions.read(Viewer.system(team(), "test"), () -> rows.logs(team(), deployment, 0, 100_000)).stream().map(LogLine::seq).toList();
    }

    private LogWriter writer(Rows rows, UUID deployment) {
        return new LogWriter(Viewer.system(team(), "test"), deployment, 0, rows, transactions, bus, new LogMask(List.of()), 100_000);
    }

    private static List<Long> oneTo(int n) {
        var all = new ArrayList<Long>();
        for (long i = 1; i <= n; i++) all.add(i);
        return all;
    }

    @Test
    void concurrentWritersAndATimerStoreEveryLineOnceInOrder() throws Exception {
        var rows = new Rows();
        var deployment = deployment(application());
        var writer = writer(rows, deployment);
        var pool = Executors.newFixedThreadPool(4);
        var timer = Executors.newSingleThreadScheduledExecutor();
        timer.scheduleAtFixedRate(writer::flush, 1, 1, TimeUnit.MILLISECONDS);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int i = 0; i < 1000; i++) writer.line("stdout", "thread " + thread + " line " + i);
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        timer.shutdown();
        assertThat(timer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        writer.close();
        assertThat(stored(rows, deployment)).isEqualTo(oneTo(4000));
    }

    @Test
    void aFailedStoreLosesNothingAndTheFlusherGoesOn() {
        var rows = new Rows();
        var deployment = deployment(application());
        var writer = writer(rows, deployment);
        rows.failures.set(3);
        for (int i = 0; i < 10; i++) {
            writer.line("stdout", "line " + i);
            writer.flush(); // the first three stores fail; their lines go back in front
        }
        writer.close();
        assertThat(rows.failures.get()).isZero();
        assertThat(stored(rows, deployment)).isEqualTo(oneTo(10));
    }

    @Test
    void aStoreHeldMidBatchKeepsTheOrder() throws Exception {
        var rows = new Rows();
        var deployment = deployment(application());
        var writer = writer(rows, deployment);
        var release = new CountDownLatch(1);
        rows.hold = release;
        writer.line("stdout", "first");
        var first = Executors.newSingleThreadExecutor().submit(writer::flush); // held inside the store
        assertThat(rows.held.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 100; i++) writer.line("stdout", "later " + i);
        var second = Executors.newSingleThreadExecutor().submit(writer::flush); // waits for the first: never stores 2.. before 1
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        writer.close();
        assertThat(stored(rows, deployment)).isEqualTo(oneTo(101));
    }

    /** A deployment cancelled before it started ends its followers' streams; so does one ended with its application. */
    @Test
    void everyWayADeploymentEndsEndsItsFollowers() {
        for (var end : List.of("cancel", "delete")) {
            var app = application();
            var deployment = deployment(app);
            try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
                ws.send(Map.of("id", "l", "type", "subscribe", "payload", Map.of(
                        "query", "subscription($d: ID!) { deploymentLogs(deploymentId: $d) { seq } }", "variables", Map.of("d", deployment.toString()))));
                dev.berth.testing.RedisChannels.awaitSubscribed(user().teamId(), "deployment-logs:" + deployment);
                if (end.equals("cancel")) {
                    http().data("mutation($id: ID!) { cancelDeployment(input: {id: $id}) { deployment { status } } }", Map.of("id", deployment.toString()));
                } else {
                    http().data("mutation($id: ID!) { deleteApplication(input: {id: $id}) { deletedApplicationId } }", Map.of("id", app));
                }
                var message = ws.next(Duration.ofSeconds(10));
                assertThat(message.path("type").asText()).as(end + ": " + message).isEqualTo("complete");
            }
        }
    }
}
