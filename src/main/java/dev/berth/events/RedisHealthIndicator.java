package dev.berth.events;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micronaut.context.BeanProvider;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Reports whether the Redis-protocol server answers PING and the pub/sub connection is open: live events need both,
 * and the command connection may be back from an outage before the pub/sub one (each reconnects on its own).
 * <p>
 * It waits (for the connections when they are not made yet, for PING up to 2 s) on the blocking pool, never on the
 * event loop that serves {@code /health}, and answers within 3 s: built with the connections, the indicator made the
 * first {@code /health}'s event loop connect to Redis, which with Redis silent at start took the connect timeout.
 */
@Singleton
final class RedisHealthIndicator implements HealthIndicator {
    /** A connection still being made (Redis accepting but silent) answers DOWN after this, not the connect timeout. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);
    private final BeanProvider<StatefulRedisConnection<String, String>> commands;
    private final BeanProvider<StatefulRedisPubSubConnection<String, String>> pubSub;
    /** Not interrupting on cancel: a check cut short by the timeout must not interrupt a connection being made. */
    private final Scheduler scheduler;

    RedisHealthIndicator(BeanProvider<StatefulRedisConnection<String, String>> commands,
                         BeanProvider<StatefulRedisPubSubConnection<String, String>> pubSub,
                         @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.commands = commands;
        this.pubSub = pubSub;
        this.scheduler = Schedulers.fromExecutor(blocking);
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.fromCallable(this::check).subscribeOn(scheduler)
                .timeout(ANSWER_WITHIN, Mono.fromSupplier(() -> down("timeout")));
    }

    private HealthResult check() {
        try {
            var pong = commands.get().async().ping().get(2, TimeUnit.SECONDS);
            if (!pubSub.get().isOpen()) {
                return HealthResult.builder("redis", HealthStatus.DOWN).details(Map.of("ping", pong, "pubSub", "reconnecting")).build();
            }
            return HealthResult.builder("redis", HealthStatus.UP).details(Map.of("ping", pong)).build();
        } catch (Exception e) { // a connection that cannot be made yet, a PING unanswered
            return down(e.getClass().getSimpleName());
        }
    }

    private static HealthResult down(String error) {
        return HealthResult.builder("redis", HealthStatus.DOWN).details(Map.of("error", error)).build();
    }
}
