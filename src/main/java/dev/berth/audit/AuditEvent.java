package dev.berth.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Who did what to which resource, when and from where. {@code details} never holds a secret value.
 * {@code refusedCode} is null for a change that happened, else the error code of a refused attempt.
 */
@MappedEntity("audit_events")
public record AuditEvent(@Id UUID id, @Nullable UUID teamId, @Nullable UUID actorId, @Nullable UUID tokenId,
                         String action, @Nullable String resourceType, @Nullable String resourceId,
                         @TypeDef(type = DataType.JSON) Map<String, Object> details,
                         @Nullable String ip, @Nullable String userAgent,
                         @MappedProperty(value = "occurred_at") Instant occurredAt, @Nullable String refusedCode) {}
