package dev.berth.audit;

import dev.berth.api.Arguments;
import dev.berth.errors.InvalidInputException;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** The audit log's filter and full-text search, parsed from {@code auditEvents(filter, search)}; all optional. */
record AuditFilter(@Nullable String action, @Nullable String resourceType, @Nullable String resourceId, @Nullable UUID actorId,
                   @Nullable Instant from, @Nullable Instant to, @Nullable String search) {
    static final int MAX_SEARCH = 200;

    static AuditFilter from(@Nullable Map<String, Object> filter, @Nullable String search) {
        var f = filter == null ? Map.<String, Object>of() : filter;
        if (search != null && search.length() > MAX_SEARCH) throw new InvalidInputException("search", "at most " + MAX_SEARCH + " characters");
        return new AuditFilter((String) f.get("action"), (String) f.get("resourceType"), (String) f.get("resourceId"),
                f.get("actorId") == null ? null : Arguments.id("filter.actorId", f.get("actorId")),
                instant(f.get("from")), instant(f.get("to")), search == null || search.isBlank() ? null : search);
    }

    private static Instant instant(Object value) {
        return value instanceof OffsetDateTime odt ? odt.toInstant() : (Instant) value;
    }
}
