package dev.berth.audit;

import dev.berth.events.ChannelEvent;
import dev.berth.events.RedisKeys;
import java.util.UUID;

/** Published on {@code berth:<team>:audit} after the audited change committed. */
public record AuditRecorded(UUID teamId, UUID eventId) implements ChannelEvent {
    static String channel(UUID teamId) {
        return RedisKeys.tenant(teamId, "audit");
    }

    @Override
    public String channel() {
        return channel(teamId);
    }
}
