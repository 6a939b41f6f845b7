package dev.berth.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.TestServers;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Berth's connections open without their blocking face (a run-time proxy over Lettuce's whole command interface) and
 * make it when first asked: both faces work, against a real Redis.
 */
class BerthRedisClientTest {
    @Test
    void theBlockingFaceIsMadeWhenFirstAskedAndBothFacesWork() throws Exception {
        var client = BerthRedisClient.to(TestServers.properties().get("berth.redis.url"));
        try (var commands = client.connect(); var pubSub = client.connectPubSub(); var publisher = client.connect()) {
            assertThat(made(commands)).as("no proxy at connect").isNull();
            assertThat(made(pubSub)).as("no proxy at connect (pub/sub)").isNull();
            var key = "berth-redis-client-test";
            assertThat(commands.async().set(key, "async").get(5, TimeUnit.SECONDS)).isEqualTo("OK");
            assertThat(made(commands)).as("the async face needs none").isNull();
            assertThat(commands.sync().get(key)).isEqualTo("async");
            assertThat(commands.sync()).as("made once").isSameAs(commands.sync());
            assertThat(made(commands)).as("the field stays unused: sync() keeps its own").isNull();

            var received = new LinkedBlockingQueue<String>();
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + "=" + message);
                }
            });
            pubSub.sync().subscribe("berth-redis-client-test-channel");
            assertThat(pubSub.sync()).isSameAs(pubSub.sync());
            publisher.async().publish("berth-redis-client-test-channel", "hello").get(5, TimeUnit.SECONDS);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("berth-redis-client-test-channel=hello");
            commands.async().del(key).get(5, TimeUnit.SECONDS);
        } finally {
            client.shutdown();
        }
    }

    /** Lettuce's own field for the blocking face, which its constructor fills (with the proxy) unless told not to. */
    private static Object made(Object connection) throws ReflectiveOperationException {
        var field = StatefulRedisConnectionImpl.class.getDeclaredField("sync");
        field.setAccessible(true);
        return field.get(connection);
    }
}
