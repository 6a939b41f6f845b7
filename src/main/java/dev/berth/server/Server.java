package dev.berth.server;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.DateUpdated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A server Berth manages. {@code hostKeyFingerprint} is pinned on the first successful connection. */
@MappedEntity("servers")
public record Server(@Id UUID id, UUID teamId, String name, String host, int port,
                     @MappedProperty("ssh_user") String user, @Nullable UUID privateKeyId, @Nullable String hostKeyFingerprint,
                     ServerStatus status, String dockerSocket,
                     @TypeDef(type = DataType.JSON) Map<String, Object> facts, @Nullable Instant checkedAt, int consecutiveFailures,
                     boolean local, @Nullable NetworkMode networkMode,
                     @DateCreated @Nullable Instant createdAt, @DateUpdated @Nullable Instant updatedAt) {

    public Server {
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }

    Server with(String newName, ServerAddress address, UUID keyId, String socket, @Nullable NetworkMode mode) {
        boolean moved = !address.host().equals(host) || address.port() != port;
        return new Server(id, teamId, newName, address.host(), address.port(), address.user(), keyId,
                moved ? null : hostKeyFingerprint, moved ? ServerStatus.UNKNOWN : status, socket, facts, checkedAt,
                consecutiveFailures, local, mode, createdAt, updatedAt);
    }

    Server pinned(String fingerprint) {
        return new Server(id, teamId, name, host, port, user, privateKeyId, fingerprint, status, dockerSocket, facts, checkedAt,
                consecutiveFailures, local, networkMode, createdAt, updatedAt);
    }

    /** The outcome of a validation or probe: status, what was learned, and the failure streak. */
    Server checked(ServerStatus newStatus, Map<String, Object> newFacts, Instant at) {
        var failures = newStatus == ServerStatus.REACHABLE ? 0 : consecutiveFailures + 1;
        return new Server(id, teamId, name, host, port, user, privateKeyId, hostKeyFingerprint, newStatus, dockerSocket,
                newFacts.isEmpty() ? facts : newFacts, at, failures, local, networkMode, createdAt, updatedAt);
    }
}
