package dev.berth.project;

import dev.berth.errors.InvalidInputException;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;

/**
 * Validated project fields, from a create or update input. Unset fields of an update are null here;
 * {@code descriptionGiven} tells an omitted description (kept) from a null one (cleared).
 */
record ProjectInput(@Nullable ResourceName name, @Nullable String description, @Nullable Map<String, Object> metadata,
                    boolean descriptionGiven) {
    static final int MAX_DESCRIPTION = 1000;

    static ProjectInput forCreate(Map<String, Object> input) {
        return new ProjectInput(ResourceName.of("input.name", input.get("name")),
                description(input.get("description")), metadata(input.getOrDefault("metadata", Map.of())), true);
    }

    /** For an update: absent fields are null. */
    static ProjectInput forUpdate(Map<String, Object> input) {
        return new ProjectInput(input.get("name") == null ? null : ResourceName.of("input.name", input.get("name")),
                description(input.get("description")),
                input.get("metadata") == null ? null : metadata(input.get("metadata")), input.containsKey("description"));
    }

    private static String description(Object value) {
        if (value == null) return null;
        if (!(value instanceof String s)) throw new InvalidInputException("input.description", "must be a string");
        if (s.length() > MAX_DESCRIPTION) throw new InvalidInputException("input.description", "at most " + MAX_DESCRIPTION + " characters");
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Object value) {
        if (!(value instanceof Map<?, ?> map)) throw new InvalidInputException("input.metadata", "must be a JSON object");
        return (Map<String, Object>) map;
    }
}
