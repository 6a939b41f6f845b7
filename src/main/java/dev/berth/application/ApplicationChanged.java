package dev.berth.application;

import dev.berth.api.ProjectOwned;
import dev.berth.events.ChannelEvent;
import dev.berth.events.RedisKeys;
import java.time.Instant;
import java.util.UUID;

/** Published on {@code berth:<team>:applications} after the change committed. Ids and plain values only. */
public record ApplicationChanged(Kind kind, UUID teamId, UUID projectId, UUID applicationId, Instant occurredAt)
        implements ChannelEvent, ProjectOwned {
    public enum Kind { CREATED, UPDATED, DELETED }

    static String channel(UUID teamId) {
        return RedisKeys.tenant(teamId, "applications");
    }

    @Override
    public String channel() {
        return channel(teamId);
    }
}
