package dev.berth.api;

import jakarta.inject.Singleton;
import java.util.Map;

/** Rules of the shared types in {@code schema/schema.graphqls}. */
@Singleton
final class CoreAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.of("PageInfo.*", Access.ANYONE);
    }
}
