package dev.berth.database;

import dev.berth.api.ProjectOwned;
import dev.berth.events.ChannelEvent;
import dev.berth.events.RedisKeys;
import java.time.Instant;
import java.util.UUID;

/** Published on {@code berth:<team>:databases} after the change committed. Ids and plain values only. */
public record DatabaseChanged(Kind kind, UUID teamId, UUID projectId, UUID databaseId, Database.Status status, Instant occurredAt)
        implements ChannelEvent, ProjectOwned {
    public enum Kind { CREATED, UPDATED, DELETED }

    static String channel(UUID teamId) {
        return RedisKeys.tenant(teamId, "databases");
    }

    @Override
    public String channel() {
        return channel(teamId);
    }
}
