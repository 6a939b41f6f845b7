package dev.berth.project;

import dev.berth.errors.InvalidInputException;
import java.util.Map;
import java.util.Objects;

/** {@code metadataContains}: a JSON object every listed project's metadata must contain (JSONB {@code @>}). */
record MetadataFilter(Map<String, Object> object) {
    MetadataFilter {
        object = Map.copyOf(object);
    }

    @SuppressWarnings("unchecked")
    static MetadataFilter from(Object value) {
        if (value == null) return null;
        if (!(value instanceof Map<?, ?> map)) throw new InvalidInputException("metadataContains", "must be a JSON object");
        return new MetadataFilter((Map<String, Object>) map);
    }

    /** The same test as PostgreSQL's {@code @>} on top-level keys, for the few projects of a limited token. */
    boolean matches(Map<String, Object> metadata) {
        return object.entrySet().stream().allMatch(e -> Objects.equals(metadata.get(e.getKey()), e.getValue()));
    }
}
