package dev.berth.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/** Waits on Dragonfly's own view of subscriptions instead of sleeping: a test proceeds the moment it holds. */
public final class RedisChannels {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static RedisCommands<String, String> redis;

    private RedisChannels() {}

    private static synchronized RedisCommands<String, String> redis() {
        if (redis == null) {
            var client = RedisClient.create(TestServers.properties().get("berth.redis.url"));
            redis = client.connect().sync();
            Runtime.getRuntime().addShutdownHook(new Thread(client::shutdown));
        }
        return redis;
    }

    /** Forgets keys of the shared test Redis (rate-limit windows that other test classes from 127.0.0.1 filled). */
    public static void forget(String... keys) {
        redis().del(keys);
    }

    /** The team's channels ({@code berth:<teamId>:*}) that have a subscriber right now. */
    public static java.util.List<String> channels(String teamId) {
        return redis().pubsubChannels("berth:" + teamId + ":*");
    }

    /** Until the team has no channel with a subscriber (what a test before left is gone). */
    public static void awaitNone(String teamId) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!channels(teamId).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("channels kept their subscribers: " + channels(teamId));
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** How many subscribers {@code berth:<teamId>:<kind>} has right now. */
    public static long subscribers(String teamId, String kind) {
        var channel = "berth:" + teamId + ":" + kind;
        return redis().pubsubNumsub(channel).getOrDefault(channel, 0L);
    }

    /** Until {@code berth:<teamId>:<kind>} has at least one subscriber. */
    public static void awaitSubscribed(String teamId, String kind) {
        await(teamId, kind, true);
    }

    /** Until {@code berth:<teamId>:<kind>} has no subscriber left. */
    public static void awaitUnsubscribed(String teamId, String kind) {
        await(teamId, kind, false);
    }

    private static void await(String teamId, String kind, boolean subscribed) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if ((subscribers(teamId, kind) > 0) == subscribed) return;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("berth:" + teamId + ":" + kind + (subscribed ? " never got a subscriber" : " kept its subscribers") + " within " + LIMIT);
    }
}
