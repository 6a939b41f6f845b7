package dev.berth.events;

import java.util.UUID;

/**
 * The one place Dragonfly keys and channels are named. Whatever holds a tenant's data is
 * {@code berth:<team>:<kind>[:<id>...]}, so no lookup by a bare id can reach another team's data; only
 * rate-limit windows, locks and wake-ups, which hold no tenant data, live outside a team.
 */
public final class RedisKeys {
    private RedisKeys() {}

    /** A key or channel holding data of team {@code teamId}. */
    public static String tenant(UUID teamId, String kind, Object... ids) {
        if (teamId == null) throw new IllegalArgumentException("a tenant key needs its team");
        var key = new StringBuilder("berth:").append(teamId).append(':').append(kind);
        for (var id : ids) key.append(':').append(id);
        return key.toString();
    }

    /** A rate-limit window: counters only, never tenant data. */
    public static String rateLimit(String kind, Object subject) {
        return "berth:rl:" + kind + ":" + subject;
    }

    /** A wake-up channel shared by every Berth node: carries no data, only "look now". */
    public static String wake(String name) {
        return "berth:wake:" + name;
    }

    /** A lock shared by every Berth node. */
    public static String lock(String name) {
        return "berth:lock:" + name;
    }
}
