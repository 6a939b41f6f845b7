package dev.berth.registry;

import java.time.Instant;
import java.util.UUID;

/** A private registry of a team; the sealed password never leaves the service. */
public record Registry(UUID id, UUID teamId, String host, String username, String passwordSealed, Instant createdAt) {
    @Override
    public String toString() {
        return "Registry[id=" + id + ", host=" + host + ", username=" + username + "]";
    }
}
