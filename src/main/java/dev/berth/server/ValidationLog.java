package dev.berth.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.events.EventBus;
import dev.berth.events.RedisKeys;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The steps of a validation, kept for an hour in a Dragonfly list and published as they happen. A follower
 * subscribes first, then replays the list, then continues live from the next index: nothing missed, nothing twice.
 */
@Singleton
final class ValidationLog {
    private static final Duration KEEP = Duration.ofHours(1);

    private final StatefulRedisConnection<String, String> redis;
    private final EventBus bus;
    private final ObjectMapper json;

    ValidationLog(StatefulRedisConnection<String, String> redis, EventBus bus, ObjectMapper json) {
        this.redis = redis;
        this.bus = bus;
        this.json = json;
    }

    /** Marks a validation as started, so its team can follow it before its first step exists. */
    void open(UUID teamId, UUID validationId) {
        await(redis.async().psetex(RedisKeys.tenant(teamId, "server-validation", validationId, "started"), KEEP.toMillis(), "1"));
    }

    /** True for a validation started by this team within the hour; false for another team's or an unknown one. */
    boolean exists(UUID teamId, UUID validationId) {
        return await(redis.async().exists(RedisKeys.tenant(teamId, "server-validation", validationId, "started"))) > 0;
    }

    void append(UUID teamId, ValidationStep step) {
        var key = key(teamId, step.validationId());
        await(redis.async().rpush(key, write(step)));
        await(redis.async().pexpire(key, KEEP.toMillis()));
        bus.publish(channel(teamId, step.validationId()), step);
    }

    Flux<ValidationStep> follow(UUID teamId, UUID validationId) {
        return Flux.defer(() -> {
            var live = Sinks.many().replay().<ValidationStep>all();
            var subscription = bus.subscribe(channel(teamId, validationId), ValidationStep.class)
                    .subscribe(live::tryEmitNext, live::tryEmitError, live::tryEmitComplete);
            var past = new ArrayList<ValidationStep>();
            for (var item : await(redis.async().lrange(key(teamId, validationId), 0, -1))) past.add(read(item));
            int lastIndex = past.isEmpty() ? -1 : past.getLast().index();
            return Flux.concat(Flux.fromIterable(past), live.asFlux().filter(step -> step.index() > lastIndex))
                    .takeUntil(ValidationStep::last)
                    .doFinally(signal -> subscription.dispose());
        });
    }

    static String channel(UUID teamId, UUID validationId) {
        return RedisKeys.tenant(teamId, "server-validation", validationId);
    }

    private static String key(UUID teamId, UUID validationId) {
        return RedisKeys.tenant(teamId, "server-validation", validationId, "steps");
    }

    private String write(ValidationStep step) {
        try {
            return json.writeValueAsString(step);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ValidationStep read(String value) {
        try {
            return json.readValue(value, ValidationStep.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T await(io.lettuce.core.RedisFuture<T> future) {
        try {
            return future.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Dragonfly did not answer", e);
        }
    }

}
