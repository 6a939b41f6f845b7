package dev.berth.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** One refresh token of a session, stored as its hash; usable once. */
@MappedEntity("refresh_tokens")
record RefreshToken(@Id String tokenHash, UUID sessionId, @DateCreated @Nullable Instant createdAt, @Nullable Instant usedAt) {}
