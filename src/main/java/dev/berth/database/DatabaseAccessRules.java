package dev.berth.database;

import static dev.berth.api.Access.READ;
import static dev.berth.api.Access.WRITE;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import dev.berth.api.Role;
import dev.berth.api.Scope;
import jakarta.inject.Singleton;
import java.util.Map;

/** Who may resolve the fields of {@code schema/database.graphqls}. Credentials only through the audited reveal. */
@Singleton
final class DatabaseAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Query.database", READ),
                Map.entry("Environment.databases", READ),
                Map.entry("Mutation.createDatabase", WRITE),
                Map.entry("Mutation.updateDatabase", WRITE),
                Map.entry("Mutation.deleteDatabase", WRITE),
                Map.entry("Mutation.startDatabase", WRITE),
                Map.entry("Mutation.stopDatabase", WRITE),
                Map.entry("Mutation.restartDatabase", WRITE),
                Map.entry("Mutation.exposeDatabase", WRITE),
                Map.entry("Mutation.unexposeDatabase", WRITE),
                Map.entry("Mutation.revealDatabaseCredentials", Access.team(Role.ADMIN, Scope.ADMIN)), // and secrets:read (the service)
                Map.entry("Subscription.databaseEvents", READ),
                // a link hands the database's credentials to the application's code: as revealing them does
                Map.entry("Mutation.linkDatabase", Access.team(Role.ADMIN, Scope.ADMIN)),
                Map.entry("Mutation.unlinkDatabase", WRITE),
                Map.entry("Application.databaseLinks", READ),
                Map.entry("DatabaseLink.*", READ),
                Map.entry("LinkDatabasePayload.*", READ),
                Map.entry("UnlinkDatabasePayload.*", READ),
                Map.entry("Database.*", READ),
                Map.entry("DatabasePayload.*", READ),
                Map.entry("DeleteDatabasePayload.*", READ),
                Map.entry("RevealDatabaseCredentialsPayload.*", Access.team(Role.ADMIN, Scope.SECRETS_READ)),
                Map.entry("DatabaseCredentials.*", Access.team(Role.ADMIN, Scope.SECRETS_READ)),
                Map.entry("DatabaseEvent.*", READ));
    }
}
