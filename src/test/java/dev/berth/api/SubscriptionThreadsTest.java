package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.WsClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Subscription events resolve their fields on worker threads, never on a Lettuce or Netty I/O thread (a fetcher
 * there fails at once), and each event sees the data as it is when the event arrives, not a cached copy.
 */
@MicronautTest
class SubscriptionThreadsTest extends BerthTestBase {

    @Test
    void aFetcherOnAnIoThreadFails() throws Exception {
        var failure = new AtomicReference<Throwable>();
        var io = new FastThreadLocalThread(() -> {
            try {
                EventHandOff.requireWorkerThread();
            } catch (IllegalStateException e) {
                failure.set(e);
            }
        }, "lettuce-nioEventLoop-test");
        io.start();
        io.join();
        assertThat(failure.get()).hasMessageContaining("I/O thread");
        EventHandOff.requireWorkerThread(); // a plain thread (this one) is fine
    }

    @Test
    void eventsResolveOnWorkersAndSeeTheCurrentData() {
        try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
            ws.subscribe("p", "subscription { projectEvents { kind project { name environments { name } } } }");
            awaitSubscribed();
            var id = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", "before-rename"))
                    .path("createProject").path("project").path("id").asText();
            var created = next(ws);
            assertThat(created.path("payload").has("errors")).as(created.toString()).isFalse();
            assertThat(created.path("payload").path("data").path("projectEvents").path("project").path("name").asText()).isEqualTo("before-rename");
            http().data("mutation($id: ID!) { updateProject(input: {id: $id, name: \"after-rename\"}) { project { id } } }", Map.of("id", id));
            var renamed = next(ws);
            assertThat(renamed.path("payload").has("errors")).as(renamed.toString()).isFalse();
            assertThat(renamed.path("payload").path("data").path("projectEvents").path("project").path("name").asText()).isEqualTo("after-rename");
        }
    }

    private static JsonNode next(WsClient ws) {
        return ws.next(Duration.ofSeconds(10));
    }

    private void awaitSubscribed() {
        dev.berth.testing.RedisChannels.awaitSubscribed(user().teamId(), "projects");
    }
}
