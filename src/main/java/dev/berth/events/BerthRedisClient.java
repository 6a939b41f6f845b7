package dev.berth.events;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.pubsub.PubSubEndpoint;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnectionImpl;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import java.time.Duration;

/**
 * Lettuce's client, whose connections make their blocking ({@code sync()}) face when it is first asked for, not when
 * they open. That face is a {@link java.lang.reflect.Proxy} over Lettuce's whole command interface, generated at run
 * time (the JVM's class cache does not keep it): ~0.3 s of CPU on two cores for the first connection of each kind (the
 * commands, the pub/sub), spent on the way to the first {@code /health}, while Berth speaks to Redis through
 * {@code async()} alone (the job engine's wake-ups use the blocking face, once the node is ready).
 */
final class BerthRedisClient extends RedisClient {
    private BerthRedisClient(RedisURI uri) {
        super(null, uri);
    }

    static BerthRedisClient to(String uri) {
        return new BerthRedisClient(RedisURI.create(uri));
    }

    @Override
    protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(RedisChannelWriter writer, PushHandler pushHandler,
                                                                                  RedisCodec<K, V> codec, Duration timeout) {
        return new Commands<>(writer, pushHandler, codec, timeout, getOptions().getJsonParser());
    }

    @Override
    protected <K, V> StatefulRedisPubSubConnectionImpl<K, V> newStatefulRedisPubSubConnection(PubSubEndpoint<K, V> endpoint, RedisChannelWriter writer,
                                                                                              RedisCodec<K, V> codec, Duration timeout) {
        return new PubSub<>(endpoint, writer, codec, timeout);
    }

    private static final class Commands<K, V> extends StatefulRedisConnectionImpl<K, V> {
        private final Lazy<RedisCommands<K, V>> blocking = new Lazy<>();

        Commands(RedisChannelWriter writer, PushHandler pushHandler, RedisCodec<K, V> codec, Duration timeout,
                 java.util.function.Supplier<io.lettuce.core.json.JsonParser> parser) {
            super(writer, pushHandler, codec, timeout, parser);
        }

        @Override
        protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
            return null; // made by sync(), when asked
        }

        @Override
        public RedisCommands<K, V> sync() {
            return blocking.get(super::newRedisSyncCommandsImpl);
        }
    }

    private static final class PubSub<K, V> extends StatefulRedisPubSubConnectionImpl<K, V> {
        private final Lazy<RedisPubSubCommands<K, V>> blocking = new Lazy<>();

        PubSub(PubSubEndpoint<K, V> endpoint, RedisChannelWriter writer, RedisCodec<K, V> codec, Duration timeout) {
            super(endpoint, writer, codec, timeout);
        }

        @Override
        protected RedisPubSubCommands<K, V> newRedisSyncCommandsImpl() {
            return null; // made by sync(), when asked
        }

        @Override
        public RedisPubSubCommands<K, V> sync() {
            return blocking.get(super::newRedisSyncCommandsImpl);
        }
    }

    /** A connection's blocking face, made once, by the first thread that asks. */
    private static final class Lazy<T> {
        private volatile T made;

        T get(java.util.function.Supplier<T> make) {
            var known = made;
            if (known != null) return known;
            synchronized (this) {
                if (made == null) made = make.get();
                return made;
            }
        }
    }
}
