package dev.berth.runtime;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * Where the Redis-protocol server (Dragonfly in production) is: {@code BERTH_REDIS_URL}, e.g.
 * {@code redis://:password@127.0.0.1:6379/0}. With no URL, Berth starts its embedded Redis.
 */
@ConfigurationProperties("berth.redis")
public record RedisProperties(@Nullable String url) {

    public boolean external() {
        return url != null && !url.isBlank();
    }

    @Override
    public String toString() {
        return "RedisProperties[url=***]";
    }
}
