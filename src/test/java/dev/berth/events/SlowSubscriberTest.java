package dev.berth.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/** A subscriber that stops reading gets an error once its bounded buffer is full, instead of growing memory. */
@MicronautTest
class SlowSubscriberTest extends BerthTestBase {
    @Inject
    EventBus events;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.events.subscriber-buffer", "16");
    }

    record Tick(int n) {}

    @Test
    void aStalledSubscriberIsCutOffWithSubscriberTooSlow() throws Exception {
        var channel = "berth:test:slow:" + uniqueName("c");
        var failure = new CompletableFuture<Throwable>();
        var subscribed = new CompletableFuture<Void>();
        events.subscribe(channel, Tick.class).subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(1); // reads one event, then never again
                subscribed.complete(null);
            }

            @Override
            protected void hookOnError(Throwable error) {
                failure.complete(error);
            }
        });
        subscribed.get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) events.publish(channel, new Tick(i));
        assertThat(failure.get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(SubscriberTooSlowException.class);
    }
}
