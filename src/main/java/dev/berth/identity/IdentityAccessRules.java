package dev.berth.identity;

import static dev.berth.api.Access.ANYONE;
import static dev.berth.api.Access.MANAGE_TEAM;
import static dev.berth.api.Access.READ;
import static dev.berth.api.Access.SESSION_ONLY;
import static dev.berth.api.Access.SIGNED_IN;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import jakarta.inject.Singleton;
import java.util.Map;

/** Who may resolve the fields of {@code schema/identity.graphqls}. */
@Singleton
final class IdentityAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Query.me", SIGNED_IN),
                Map.entry("Query.team", READ),
                Map.entry("Query.apiTokens", READ),
                Map.entry("Mutation.signUp", ANYONE),
                Map.entry("Mutation.login", ANYONE),
                Map.entry("Mutation.refreshSession", ANYONE),
                Map.entry("Mutation.logout", SESSION_ONLY),
                Map.entry("Mutation.changePassword", SESSION_ONLY),
                Map.entry("Mutation.createTeam", SESSION_ONLY),
                Map.entry("Mutation.acceptInvitation", SESSION_ONLY),
                Map.entry("Mutation.leaveTeam", SESSION_ONLY),
                Map.entry("Mutation.inviteMember", MANAGE_TEAM),
                Map.entry("Mutation.changeMemberRole", MANAGE_TEAM),
                Map.entry("Mutation.removeMember", MANAGE_TEAM),
                Map.entry("Mutation.createApiToken", SESSION_ONLY),
                // any member may revoke their own tokens (an OWNER or ADMIN with the admin scope: any of the team's);
                // a token needs a write-class scope for it, as for every mutation
                Map.entry("Mutation.revokeApiToken", SIGNED_IN),
                // the payload of signUp, login and refreshSession (shared, so it names its rule)
                Map.entry("AuthPayload.*", ANYONE),
                // A User is reachable only through guarded parents: your own AuthPayload, Me, TeamMember.
                Map.entry("User.*", ANYONE),
                Map.entry("Me.*", SIGNED_IN),
                Map.entry("Membership.*", SIGNED_IN),
                Map.entry("Team.*", SIGNED_IN),
                Map.entry("Team.invitations", MANAGE_TEAM),
                Map.entry("TeamMember.*", READ),
                Map.entry("Invitation.*", MANAGE_TEAM),
                Map.entry("ApiToken.*", READ));
    }
}
