package dev.berth.project;

import dev.berth.api.ProjectOwned;
import dev.berth.events.ChannelEvent;
import dev.berth.events.RedisKeys;
import java.time.Instant;
import java.util.UUID;

/** Published on {@code berth:<team>:projects} after the change committed. Ids and plain values only. */
public record ProjectChanged(Kind kind, UUID teamId, UUID projectId, Instant occurredAt) implements ChannelEvent, ProjectOwned {
    public enum Kind { CREATED, UPDATED, DELETED }

    static String channel(UUID teamId) {
        return RedisKeys.tenant(teamId, "projects");
    }

    @Override
    public String channel() {
        return channel(teamId);
    }
}
