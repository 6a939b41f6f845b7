package dev.berth.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Multiplexes every local subscriber over one pub/sub connection: a channel is SUBSCRIBEd when its first
 * local subscriber arrives and UNSUBSCRIBEd when its last one leaves; each message is decoded once per
 * channel ({@link LastDecoded}), however many local subscribers it has. When the connection to Dragonfly drops, every local stream ends with
 * {@link EventsUnavailableException} (events published meanwhile would be lost silently otherwise); new
 * subscriptions fail the same way until Dragonfly answers again, then work as before.
 */
@Singleton
final class RedisEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisEventBus.class);

    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final ObjectMapper json;
    private final EventsProperties properties;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();

    RedisEventBus(StatefulRedisConnection<String, String> commands,
                  StatefulRedisPubSubConnection<String, String> pubSub,
                  ObjectMapper json, EventsProperties properties, RedisClient client) {
        this.commands = commands;
        this.pubSub = pubSub;
        this.json = json;
        this.properties = properties;
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == pubSub) endEveryStream();
            }
        });
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                var local = channels.get(channel);
                if (local != null) local.sink().tryEmitNext(message);
            }
        });
    }

    @Override
    public void publish(String channel, Object event) {
        try {
            commands.async().publish(channel, json.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> Flux<T> subscribe(String channel, Class<T> type) {
        return Flux.defer(() -> {
            var joined = join(channel);
            return Backlog.bounded(joined.sink().asFlux(), properties.subscriberBuffer(), properties.subscriberBufferBytes(), Backlog::textBytes,
                            () -> new SubscriberTooSlowException(channel))
                    .map(message -> joined.last().decode(message, type, this::read));
        }).doFinally(signal -> leave(channel));
    }

    /** The pub/sub connection dropped: every local stream ends now; their channels are subscribed afresh later. */
    private void endEveryStream() {
        LOG.warn("event=events-unavailable channels={}", channels.size());
        for (var name : java.util.List.copyOf(channels.keySet())) {
            var channel = channels.remove(name);
            if (channel == null) continue;
            pubSub.async().unsubscribe(name); // runs once reconnected, after Lettuce re-subscribes what it knew
            channel.sink().tryEmitError(new EventsUnavailableException("the connection to Dragonfly dropped"));
        }
    }

    private Channel join(String channel) {
        return channels.compute(channel, (name, existing) -> {
            if (existing != null) return existing.withOneMore();
            if (!pubSub.isOpen()) throw new EventsUnavailableException("Dragonfly is unreachable");
            try {
                pubSub.async().subscribe(name).get(properties.subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // the SUBSCRIBE may still complete (e.g. this thread was interrupted by a cancelled subscriber): with
                // no local entry nothing would ever unsubscribe it, so take it back now (same connection, in order)
                pubSub.async().unsubscribe(name);
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new EventsUnavailableException("could not subscribe to a channel: " + e.getClass().getSimpleName());
            }
            LOG.debug("event=subscribed channel={}", name);
            return new Channel(Sinks.many().multicast().directBestEffort(), 1, new LastDecoded());
        });
    }

    private void leave(String channel) {
        channels.computeIfPresent(channel, (name, existing) -> {
            if (existing.subscribers() > 1) return existing.withOneLess();
            pubSub.async().unsubscribe(name);
            existing.sink().tryEmitComplete();
            return null;
        });
    }

    private <T> T read(String message, Class<T> type) {
        try {
            return json.readValue(message, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Channel(Sinks.Many<String> sink, int subscribers, LastDecoded last) {
        Channel withOneMore() { return new Channel(sink, subscribers + 1, last); }
        Channel withOneLess() { return new Channel(sink, subscribers - 1, last); }
    }

    /**
     * Every local subscriber of a channel receives the same message instance; the first to read it decodes it, the
     * others reuse the (immutable) event, so a message is decoded once per channel, not once per subscriber.
     */
    static final class LastDecoded {
        private record Entry(String message, Class<?> type, Object event) {}

        private volatile Entry last;

        <T> T decode(String message, Class<T> type, java.util.function.BiFunction<String, Class<T>, T> reader) {
            var entry = last;
            if (entry != null && entry.message() == message && entry.type() == type) return type.cast(entry.event());
            var event = reader.apply(message, type);
            last = new Entry(message, type, event);
            return event;
        }
    }
}
