package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.events.EventBus;
import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A graphql-ws client that stops reading its socket while large frames keep coming is cut off with 1013 once its
 * subscription is {@code berth.ws.subscriber-buffer-bytes} behind, long before the frame-count bound (4,096) would act:
 * what the server holds for it is bounded in bytes. Real server, real Dragonfly-protocol pub/sub, a real WebSocket
 * client that applies TCP back-pressure (the JDK's, which reads only on demand).
 */
@MicronautTest(transactional = false)
class SlowReaderEndToEndTest extends BerthTestBase {
    private static final int LINE = 8_000;
    private static final int LINES = 4_000; // 32 MB in all, fewer frames than the count bound

    @Inject
    EventBus bus;

    @Override
    protected Map<String, String> overrides() {
        // no job runs the deployment: it stays QUEUED, so its log is followed live and only what the test publishes comes
        return Map.of("berth.jobs.enabled", "false", "berth.ws.subscriber-buffer-bytes", "1048576");
    }

    /** Counts frames; reads only while not paused (the JDK's WebSocket reads the socket only on demand). */
    private static final class PausingListener implements WebSocket.Listener {
        final AtomicInteger frames = new AtomicInteger();
        final AtomicBoolean paused = new AtomicBoolean();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Void> acked = new CompletableFuture<>();
        final CompletableFuture<Void> first = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                var text = partial.toString();
                partial.setLength(0);
                if (text.contains("\"connection_ack\"")) acked.complete(null);
                if (text.contains("\"next\"")) {
                    frames.incrementAndGet();
                    first.complete(null);
                }
            }
            if (!paused.get() || !first.isDone()) socket.request(1); // until line 1 came (a ping must not use up the demand)
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    @Test
    void aReaderThatStopsReadingIsCutOffByBytesNotFrames() throws Exception {
        var owner = user();
        var app = dev.berth.testing.TestApplications.unreachable(http());
        var deployment = UUID.fromString(http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id status } } }",
                Map.of("a", app)).path("deployApplication").path("deployment").path("id").asText());
        var channel = DeploymentLogs.channel(UUID.fromString(owner.teamId()), deployment);

        var listener = new PausingListener();
        var socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("graphql-transport-ws")
                .buildAsync(URI.create(server.getURI().toString().replaceFirst("^http", "ws") + "/graphql-ws"), listener).join();
        socket.sendText(dev.berth.testing.GraphQLHttp.write(Map.of("type", "connection_init", "payload", Map.of("authorization", "Bearer " + owner.accessToken()))), true).join();
        listener.acked.get(10, TimeUnit.SECONDS);
        socket.sendText(dev.berth.testing.GraphQLHttp.write(Map.of("id", "l", "type", "subscribe", "payload", Map.of(
                "query", "subscription($d: ID!) { deploymentLogs(deploymentId: $d) { seq text } }", "variables", Map.of("d", deployment.toString())))), true).join();
        // line 1, until the subscription is live and the client has it; then the client stops reading
        listener.paused.set(true);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!listener.first.isDone() && System.nanoTime() < deadline) {
            bus.publish(channel, new LogBatch(deployment, List.of(new LogLine(1, Instant.now(), "STDOUT", "first")), null));
            Thread.sleep(100);
        }
        assertThat(listener.first).as("the subscription is live").isDone();

        var text = "x".repeat(LINE);
        for (int seq = 2; seq <= LINES; seq += 50) {
            var batch = new ArrayList<LogLine>();
            for (int i = seq; i < seq + 50 && i <= LINES; i++) batch.add(new LogLine(i, Instant.now(), "STDOUT", text));
            bus.publish(channel, new LogBatch(deployment, batch, null));
        }
        Thread.sleep(3_000); // the server has had every frame and filled the socket's buffers

        listener.paused.set(false);
        socket.request(Long.MAX_VALUE); // read what the socket holds, then the close frame
        int code = listener.closed.get(30, TimeUnit.SECONDS);
        assertThat(code).as("cut off for being too slow").isEqualTo(1013);
        assertThat(listener.frames.get()).as("far fewer frames than were published").isLessThan(LINES / 2);
    }
}
