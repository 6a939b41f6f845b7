package dev.berth.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A broker message reaches every local subscriber of its channel decoded once: they all get the same event. */
@MicronautTest
class DecodeOnceTest extends BerthTestBase {
    @Inject
    EventBus events;

    record Tick(int n) {}

    @Test
    void subscribersOfOneChannelShareTheDecodedEvent() throws Exception {
        var kind = uniqueName("decode");
        var channel = "berth:test:" + kind;
        var first = events.subscribe(channel, Tick.class).next().toFuture();
        var second = events.subscribe(channel, Tick.class).next().toFuture();
        dev.berth.testing.RedisChannels.awaitSubscribed("test", kind);
        events.publish(channel, new Tick(7));
        var a = first.get(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        var b = second.get(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(a).isEqualTo(new Tick(7));
        assertThat(b).isSameAs(a);
    }
}
