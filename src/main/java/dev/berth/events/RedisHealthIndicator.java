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

/** Reports whether the Redis-protocol server answers PING. */
@Singleton
final class RedisHealthIndicator implements HealthIndicator {
    private final StatefulRedisConnection<String, String> commands;

    RedisHealthIndicator(StatefulRedisConnection<String, String> commands) {
        this.commands = commands;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.fromCallable(() -> {
            try {
                var pong = commands.async().ping().get(2, TimeUnit.SECONDS);
                return HealthResult.builder("redis", HealthStatus.UP).details(Map.of("ping", pong)).build();
            } catch (Exception e) {
                return HealthResult.builder("redis", HealthStatus.DOWN).details(Map.of("error", e.getClass().getSimpleName())).build();
            }
        });
    }
}
