package dev.berth.server;

import static dev.berth.api.Access.DEPLOY;
import static dev.berth.api.Access.MANAGE_TEAM;
import static dev.berth.api.Access.READ;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import jakarta.inject.Singleton;
import java.util.Map;

/** Who may resolve the fields of {@code schema/server.graphqls}. */
@Singleton
final class ServerAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Query.privateKeys", READ),
                Map.entry("Query.servers", READ),
                Map.entry("Query.server", READ),
                Map.entry("Mutation.generatePrivateKey", MANAGE_TEAM),
                Map.entry("Mutation.importPrivateKey", MANAGE_TEAM),
                Map.entry("Mutation.deletePrivateKey", MANAGE_TEAM),
                Map.entry("Mutation.createServer", MANAGE_TEAM),
                Map.entry("Mutation.updateServer", MANAGE_TEAM),
                Map.entry("Mutation.deleteServer", MANAGE_TEAM),
                Map.entry("Mutation.trustServerHostKey", MANAGE_TEAM),
                Map.entry("Mutation.validateServer", DEPLOY),
                Map.entry("Subscription.serverValidation", READ),
                Map.entry("Subscription.serverEvents", READ),
                Map.entry("ServerValidationStep.*", READ),
                Map.entry("ServerEvent.*", READ),
                Map.entry("PrivateKey.*", READ),
                Map.entry("Server.*", READ));
    }
}
