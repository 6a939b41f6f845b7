package dev.berth.identity;

import dev.berth.api.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** An invitation to a team, bound to an email; its secret is stored only as a hash. */
@MappedEntity("invitations")
public record Invitation(@Id UUID id, UUID teamId, String emailNormalized, Role role, String tokenHash,
                         UUID invitedBy, Instant expiresAt, @Nullable Instant acceptedAt,
                         @DateCreated @Nullable Instant createdAt) {
    @Override
    public String toString() {
        return "Invitation[id=" + id + ", team=" + teamId + "]";
    }
}
