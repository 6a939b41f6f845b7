package dev.berth.server;

import dev.berth.events.ChannelEvent;
import dev.berth.events.RedisKeys;
import java.time.Instant;
import java.util.UUID;

/** A server's status changed (validation or probe); published on {@code berth:<team>:servers}. */
public record ServerChanged(UUID teamId, UUID serverId, ServerStatus status, Instant occurredAt) implements ChannelEvent {
    static String channel(UUID teamId) {
        return RedisKeys.tenant(teamId, "servers");
    }

    @Override
    public String channel() {
        return channel(teamId);
    }
}
