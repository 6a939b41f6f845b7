package dev.berth.identity;

import dev.berth.api.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A user's role in a team. */
@MappedEntity("memberships")
public record Membership(@Id UUID id, UUID teamId, UUID userId, Role role, @DateCreated @Nullable Instant createdAt) {
    Membership withRole(Role newRole) {
        return new Membership(id, teamId, userId, newRole, createdAt);
    }
}
