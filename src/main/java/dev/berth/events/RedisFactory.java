package dev.berth.events;

import dev.berth.runtime.EmbeddedServers;
import dev.berth.runtime.MissingServiceException;
import dev.berth.runtime.RedisProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

/** One Lettuce client per process, to {@code BERTH_REDIS_URL} or the embedded Redis. */
@Factory
final class RedisFactory {

    @Singleton
    @Bean(preDestroy = "shutdown")
    RedisClient redisClient(RedisProperties properties, @Nullable EmbeddedServers embedded) {
        if (properties.external()) return BerthRedisClient.to(properties.url());
        if (embedded == null) throw new MissingServiceException("BERTH_REDIS_URL");
        return BerthRedisClient.to(embedded.redisUrl());
    }

    /** Shared command connection (Lettuce connections are thread-safe and pipelined). */
    @Singleton
    @Bean(preDestroy = "close")
    StatefulRedisConnection<String, String> commands(RedisClient client) {
        return client.connect();
    }

    /** The process's single pub/sub connection; {@link RedisEventBus} multiplexes subscribers over it. */
    @Singleton
    @Bean(preDestroy = "close")
    StatefulRedisPubSubConnection<String, String> pubSub(RedisClient client) {
        return client.connectPubSub();
    }
}
