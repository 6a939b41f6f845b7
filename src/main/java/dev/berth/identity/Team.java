package dev.berth.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A tenant: every tenant-owned row carries its id. */
@MappedEntity("teams")
public record Team(@Id UUID id, String slug, String name, @DateCreated @Nullable Instant createdAt) {}
