package dev.berth.project;

import dev.berth.api.ProjectOwned;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.DateUpdated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Where;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A team's project. {@code metadata} is a JSON object (jsonb). */
@MappedEntity("projects")
@Where("@.deleted_at IS NULL") // soft-deleted rows are filtered here, once, for every generated query
public record Project(@Id UUID id, UUID teamId, String name, @Nullable String description,
                      @TypeDef(type = DataType.JSON) Map<String, Object> metadata,
                      @DateCreated @Nullable Instant createdAt, @DateUpdated @Nullable Instant updatedAt,
                      @Nullable Instant deletedAt) implements ProjectOwned {

    /** A project owns itself: a token limited to other projects does not see it. */
    @Override
    public UUID projectId() {
        return id;
    }

    public Project {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    Project with(String name, @Nullable String description, Map<String, Object> metadata) {
        return new Project(id, teamId, name, description, metadata, createdAt, updatedAt, deletedAt);
    }
}
