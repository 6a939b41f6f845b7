package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.Viewer;
import dev.berth.events.EventBus;
import dev.berth.storage.TeamTransactions;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.RedisChannels;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two viewers of one running deployment, same credential and same document, the second joining after line 10: both
 * get every line from 1 exactly once (the second is not handed the first one's stream halfway through, and shares its
 * executions once it caught up); and a second
 * subscriber of deploymentUpdated gets its own initial state. Real server, PostgreSQL and pub/sub; no job runs.
 */
@MicronautTest(transactional = false)
class LateJoinerTest extends BerthTestBase {
    private static final String LOGS = "subscription($d: ID!) { deploymentLogs(deploymentId: $d, afterSeq: 0) { seq } }";

    @Inject
    DeploymentRows rows;
    @Inject
    TeamTransactions transactions;
    @Inject
    EventBus bus;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false");
    }

    private UUID deploy(String app) {
        return UUID.fromString(http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app))
                .path("deployApplication").path("deployment").path("id").asText());
    }

    private static List<Long> seqs(WsClient client, String id, int count) {
        var seen = new ArrayList<Long>();
        while (seen.size() < count) {
            var message = client.next(Duration.ofSeconds(10));
            assertThat(message.path("type").asText()).as(message.toString()).isEqualTo("next");
            assertThat(message.path("id").asText()).isEqualTo(id);
            seen.add(message.path("payload").path("data").path("deploymentLogs").path("seq").asLong());
        }
        return seen;
    }

    private static List<Long> oneTo(int n) {
        var all = new ArrayList<Long>();
        for (long i = 1; i <= n; i++) all.add(i);
        return all;
    }

    @Test
    void aSecondViewerJoiningLateGetsTheWholeLogOnce() {
        var team = UUID.fromString(user().teamId());
        var deployment = deploy(dev.berth.testing.TestApplications.unreachable(http()));
        var writer = new LogWriter(Viewer.system(team, "test"), deployment, 0, rows, transactions, bus, new LogMask(List.of()), 1000);
        try (var first = WsClient.connectAndInit(server.getURI(), user().accessToken());
             var second = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            first.send(Map.of("id", "a", "type", "subscribe", "payload", Map.of("query", LOGS, "variables", Map.of("d", deployment.toString()))));
            RedisChannels.awaitSubscribed(user().teamId(), "deployment-logs:" + deployment);
            for (int i = 1; i <= 10; i++) writer.line("stdout", "line " + i);
            writer.flush();
            assertThat(seqs(first, "a", 10)).isEqualTo(oneTo(10));

            var executions = meters.counter("berth.ws.event.executions");
            double before = executions.count();
            second.send(Map.of("id", "b", "type", "subscribe", "payload", Map.of("query", LOGS, "variables", Map.of("d", deployment.toString()))));
            var secondStart = seqs(second, "b", 10); // the stored lines, its own
            for (int i = 11; i <= 20; i++) writer.line("stdout", "line " + i);
            writer.close();
            bus.publish(DeploymentLogs.channel(team, deployment), new LogBatch(deployment, List.of(), 20L));
            var secondAll = new ArrayList<>(secondStart);
            secondAll.addAll(seqs(second, "b", 10));
            assertThat(secondAll).isEqualTo(oneTo(20));
            assertThat(seqs(first, "a", 10)).isEqualTo(oneTo(20).subList(10, 20));
            assertThat(first.next(Duration.ofSeconds(10)).path("type").asText()).isEqualTo("complete");
            assertThat(second.next(Duration.ofSeconds(10)).path("type").asText()).isEqualTo("complete");
            // the second replayed lines 1-10 itself, then joined the first's stream: lines 11-20 were executed once
            assertThat(executions.count() - before).isEqualTo(20);
        }
    }

    @Test
    void aSecondSubscriberOfDeploymentUpdatedGetsItsOwnInitialState() {
        var app = dev.berth.testing.TestApplications.unreachable(http());
        var deployment = deploy(app);
        var query = "subscription($a: ID!) { deploymentUpdated(applicationId: $a) { id status } }";
        try (var first = WsClient.connectAndInit(server.getURI(), user().accessToken());
             var second = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            first.send(Map.of("id", "a", "type", "subscribe", "payload", Map.of("query", query, "variables", Map.of("a", app))));
            JsonNode initial = first.next(Duration.ofSeconds(10));
            assertThat(initial.path("payload").path("data").path("deploymentUpdated").path("id").asText()).isEqualTo(deployment.toString());
            second.send(Map.of("id", "b", "type", "subscribe", "payload", Map.of("query", query, "variables", Map.of("a", app))));
            JsonNode own = second.next(Duration.ofSeconds(10));
            assertThat(own.path("id").asText()).isEqualTo("b");
            assertThat(own.path("payload").path("data").path("deploymentUpdated").path("status").asText()).isEqualTo("QUEUED");
        }
    }
}
