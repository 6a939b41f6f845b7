package dev.berth.runtime.embedded;

import io.lettuce.core.RedisClient;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.event.BeanDestroyedEvent;
import io.micronaut.context.event.BeanDestroyedEventListener;
import jakarta.inject.Singleton;

/**
 * Ties the embedded Redis to its Lettuce client: it stops only after the client was shut down (see
 * {@link LocalEmbeddedServers#stop()}), so no connection ever outlives the server it reconnects to.
 */
@Singleton
@io.micronaut.context.annotation.Requires(classes = {io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class, redis.embedded.core.ExecutableProvider.class})
final class RedisClientLifecycle implements BeanCreatedEventListener<RedisClient>, BeanDestroyedEventListener<RedisClient> {
    private final LocalEmbeddedServers servers;

    RedisClientLifecycle(LocalEmbeddedServers servers) {
        this.servers = servers;
    }

    @Override
    public RedisClient onCreated(BeanCreatedEvent<RedisClient> event) {
        servers.redisInUse();
        return event.getBean();
    }

    @Override
    public void onDestroyed(BeanDestroyedEvent<RedisClient> event) {
        servers.redisReleased();
    }
}
