package dev.berth.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A personal access token; only the hash of its secret is stored. */
@MappedEntity("api_tokens")
public record ApiToken(@Id UUID id, UUID teamId, UUID userId, String name, String tokenHash,
                       @TypeDef(type = DataType.STRING_ARRAY) List<String> scopes,
                       @Nullable @TypeDef(type = DataType.STRING_ARRAY) List<String> projectIds,
                       @Nullable Instant expiresAt, @Nullable Instant lastUsedAt, @Nullable Instant revokedAt,
                       @DateCreated @Nullable Instant createdAt) {

    boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }

    @Override
    public String toString() {
        return "ApiToken[id=" + id + ", name=" + name + "]";
    }
}
