package dev.berth.events;

import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Reports whether the Redis-protocol server answers PING and the pub/sub connection is open: live events need both,
 * and the command connection may be back from an outage before the pub/sub one (each reconnects on its own).
 */
@Singleton
final class RedisHealthIndicator implements HealthIndicator {
    private final StatefulRedisConnection<String, String> commands;
    private final io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> pubSub;

    RedisHealthIndicator(StatefulRedisConnection<String, String> commands,
                         io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> pubSub) {
        this.commands = commands;
        this.pubSub = pubSub;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.fromCallable(() -> {
            try {
                var pong = commands.async().ping().get(2, TimeUnit.SECONDS);
                if (!pubSub.isOpen()) {
                    return HealthResult.builder("redis", HealthStatus.DOWN).details(Map.of("ping", pong, "pubSub", "reconnecting")).build();
                }
                return HealthResult.builder("redis", HealthStatus.UP).details(Map.of("ping", pong)).build();
            } catch (Exception e) {
                return HealthResult.builder("redis", HealthStatus.DOWN).details(Map.of("error", e.getClass().getSimpleName())).build();
            }
        });
    }
}
