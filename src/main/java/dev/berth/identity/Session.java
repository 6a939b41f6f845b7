package dev.berth.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A signed-in session: one refresh-token family. */
@MappedEntity("sessions")
record Session(@Id UUID id, UUID userId, @DateCreated @Nullable Instant createdAt, Instant expiresAt,
               @Nullable Instant revokedAt, @Nullable String ip, @Nullable String userAgent) {
    boolean liveAt(Instant now) {
        return revokedAt == null && expiresAt.isAfter(now);
    }
}
