package dev.berth.registry;

import static dev.berth.api.Access.MANAGE_TEAM;
import static dev.berth.api.Access.READ;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import jakarta.inject.Singleton;
import java.util.Map;

/** Registries hold credentials: admins manage them, members see that they exist. */
@Singleton
final class RegistryAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Query.registries", READ),
                Map.entry("Mutation.createRegistry", MANAGE_TEAM),
                Map.entry("Mutation.deleteRegistry", MANAGE_TEAM),
                Map.entry("Registry.*", READ));
    }
}
