package dev.berth.project;

import dev.berth.api.ProjectOwned;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.DateUpdated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Where;
import java.time.Instant;
import java.util.UUID;

/** An environment of a project (production, staging, ...). */
@MappedEntity("environments")
@Where("@.deleted_at IS NULL") // soft-deleted rows are filtered here, once, for every generated query
public record Environment(@Id UUID id, UUID teamId, UUID projectId, String name,
                          @DateCreated @Nullable Instant createdAt, @DateUpdated @Nullable Instant updatedAt,
                          @Nullable Instant deletedAt) implements ProjectOwned {

    Environment renamed(String newName) {
        return new Environment(id, teamId, projectId, newName, createdAt, updatedAt, deletedAt);
    }
}
