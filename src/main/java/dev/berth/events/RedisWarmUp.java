package dev.berth.events;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Parallel;

/**
 * Opens the Dragonfly connections on a thread of their own while the main thread starts the database pool and runs
 * the migrations: the two are independent, and a start has two cores. Nothing waits for this bean; the beans that
 * need a connection get the one it opened (or open it themselves if they come first). A failure stops the start, as
 * it would have on the main thread.
 */
@Context
@Parallel
final class RedisWarmUp {
    RedisWarmUp(StatefulRedisConnection<String, String> commands, StatefulRedisPubSubConnection<String, String> pubSub) {
        // creating the two beans is the work
    }
}
