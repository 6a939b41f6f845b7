package dev.berth.api;

import static dev.berth.api.Access.ANYONE;
import static dev.berth.api.Access.SESSION_ONLY;
import static dev.berth.api.Access.SIGNED_IN;
import static dev.berth.api.Access.team;

import dev.berth.errors.ForbiddenException;
import dev.berth.errors.UnauthenticatedException;
import java.util.Map;
import java.util.Optional;

/**
 * The one declarative table of who may resolve what: {@code Type.field} entries, and {@code Type.*} for every
 * field of a type. The schema is checked against it at start-up: a field with no entry stops Berth, so a new
 * field cannot ship unguarded. Object ownership (another team's id is NOT_FOUND) is the services' job.
 */
public final class AccessPolicy {
    private static final Access READ = team(Role.VIEWER, Scope.READ);
    private static final Access WRITE = team(Role.MEMBER, Scope.WRITE);
    private static final Access MANAGE_TEAM = team(Role.ADMIN, Scope.ADMIN);

    static final Map<String, Access> RULES = Map.ofEntries(
            // Identity
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
            Map.entry("AuthPayload.*", ANYONE),
            // A User is reachable only through guarded parents: your own AuthPayload, Me, TeamMember.
            Map.entry("User.*", ANYONE),
            Map.entry("Me.*", SIGNED_IN),
            Map.entry("Membership.*", SIGNED_IN),
            Map.entry("Team.*", SIGNED_IN),
            Map.entry("Team.invitations", MANAGE_TEAM),
            Map.entry("TeamMember.*", READ),
            Map.entry("Invitation.*", MANAGE_TEAM),
            Map.entry("ApiToken.*", READ),
            Map.entry("LogoutPayload.*", SIGNED_IN),
            Map.entry("ChangePasswordPayload.*", SIGNED_IN),
            Map.entry("CreateTeamPayload.*", SIGNED_IN),
            Map.entry("InviteMemberPayload.*", MANAGE_TEAM),
            Map.entry("AcceptInvitationPayload.*", SIGNED_IN),
            Map.entry("ChangeMemberRolePayload.*", MANAGE_TEAM),
            Map.entry("RemoveMemberPayload.*", MANAGE_TEAM),
            Map.entry("LeaveTeamPayload.*", SIGNED_IN),
            Map.entry("CreateApiTokenPayload.*", SIGNED_IN),
            Map.entry("RevokeApiTokenPayload.*", SIGNED_IN),
            // Projects and environments
            Map.entry("Query.projects", READ),
            Map.entry("Query.project", READ),
            Map.entry("Query.environment", READ),
            Map.entry("Mutation.createProject", WRITE),
            Map.entry("Mutation.updateProject", WRITE),
            Map.entry("Mutation.deleteProject", team(Role.ADMIN, Scope.WRITE)),
            Map.entry("Mutation.createEnvironment", WRITE),
            Map.entry("Mutation.renameEnvironment", WRITE),
            Map.entry("Mutation.deleteEnvironment", team(Role.ADMIN, Scope.WRITE)),
            Map.entry("Subscription.projectEvents", READ),
            Map.entry("Project.*", READ),
            Map.entry("Environment.*", READ),
            Map.entry("ProjectConnection.*", READ),
            Map.entry("ProjectEdge.*", READ),
            Map.entry("PageInfo.*", ANYONE),
            Map.entry("ProjectEvent.*", READ),
            Map.entry("CreateProjectPayload.*", WRITE),
            Map.entry("UpdateProjectPayload.*", WRITE),
            Map.entry("DeleteProjectPayload.*", WRITE),
            Map.entry("CreateEnvironmentPayload.*", WRITE),
            Map.entry("RenameEnvironmentPayload.*", WRITE),
            Map.entry("DeleteEnvironmentPayload.*", WRITE),
            // Servers and keys
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
            Map.entry("Mutation.validateServer", team(Role.MEMBER, Scope.DEPLOY)),
            Map.entry("ValidateServerPayload.*", team(Role.MEMBER, Scope.DEPLOY)),
            Map.entry("Subscription.serverValidation", READ),
            Map.entry("Subscription.serverEvents", READ),
            Map.entry("ServerValidationStep.*", READ),
            Map.entry("ServerEvent.*", READ),
            Map.entry("TrustServerHostKeyPayload.*", MANAGE_TEAM),
            Map.entry("PrivateKey.*", READ),
            Map.entry("Server.*", READ),
            Map.entry("GeneratePrivateKeyPayload.*", MANAGE_TEAM),
            Map.entry("ImportPrivateKeyPayload.*", MANAGE_TEAM),
            Map.entry("DeletePrivateKeyPayload.*", MANAGE_TEAM),
            Map.entry("CreateServerPayload.*", MANAGE_TEAM),
            Map.entry("UpdateServerPayload.*", MANAGE_TEAM),
            Map.entry("DeleteServerPayload.*", MANAGE_TEAM),
            // Audit
            Map.entry("Query.auditEvents", MANAGE_TEAM),
            Map.entry("Subscription.auditEvents", MANAGE_TEAM),
            Map.entry("AuditEvent.*", MANAGE_TEAM),
            Map.entry("AuditEventConnection.*", MANAGE_TEAM),
            Map.entry("AuditEventEdge.*", MANAGE_TEAM));

    private AccessPolicy() {}

    /** The rule for a field: its own entry, else its type's. */
    static Optional<Access> rule(String type, String field) {
        var exact = RULES.get(type + "." + field);
        return Optional.ofNullable(exact != null ? exact : RULES.get(type + ".*"));
    }

    /**
     * The rule of a mutation field. One rule above every mutation's own: a personal access token without a
     * write-class scope ({@link Scope#writeClass()}) changes nothing, whatever the field's entry says.
     */
    static void checkMutation(Access access, Viewer viewer) {
        if (viewer.tokenId() != null && viewer.scopes().stream().noneMatch(Scope::writeClass)) {
            throw new ForbiddenException("A read-only token cannot run mutations.");
        }
        check(access, viewer);
    }

    /** A mutation's own entry must name a write-class scope, or not be a team rule at all (sign-in, sessions). */
    static boolean fitForMutation(Access access) {
        return !(access instanceof Access.Team team) || team.scope().writeClass();
    }

    /** @throws UnauthenticatedException for an anonymous caller, ForbiddenException for one without the rights */
    static void check(Access access, Viewer viewer) {
        switch (access) {
            case Access.Anyone a -> { }
            case Access.SignedIn s -> requireSignedIn(viewer);
            case Access.SessionOnly s -> {
                requireSignedIn(viewer);
                if (viewer.sessionId() == null) throw new ForbiddenException("This needs a signed-in session, not an API token.");
            }
            case Access.Team t -> {
                requireSignedIn(viewer);
                if (!viewer.inTeam()) throw new ForbiddenException("You are not acting in a team.");
                if (!viewer.role().atLeast(t.role())) throw new ForbiddenException("This needs the " + t.role() + " role or higher.");
                if (!viewer.scopes().contains(t.scope())) throw new ForbiddenException("This needs the " + t.scope().wire() + " scope.");
            }
        }
    }

    private static void requireSignedIn(Viewer viewer) {
        if (!viewer.authenticated()) throw new UnauthenticatedException("Sign in, or send a bearer token.");
    }
}
