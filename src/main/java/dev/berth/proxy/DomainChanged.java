package dev.berth.proxy;

import dev.berth.api.ProjectOwned;
import dev.berth.events.ChannelEvent;
import dev.berth.events.RedisKeys;
import java.time.Instant;
import java.util.UUID;

/**
 * Published on {@code berth:<team>:domains} after it committed: a domain's certificate changed status (issued, nearing
 * expiry, expired, or still not issued long after the domain was added: the CA could not check the name). Ids and
 * plain values only.
 */
public record DomainChanged(UUID teamId, UUID projectId, UUID applicationId, UUID domainId, String host, String certificateStatus,
                            Instant occurredAt) implements ChannelEvent, ProjectOwned {
    static String channel(UUID teamId) {
        return RedisKeys.tenant(teamId, "domains");
    }

    @Override
    public String channel() {
        return channel(teamId);
    }
}
