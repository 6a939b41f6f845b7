package dev.berth.api;

/** Who may resolve a field. One of these stands behind every field of the schema (see {@link AccessPolicy}). */
public sealed interface Access {

    /** Anyone, signed in or not (sign-up, login, token refresh, the protocol's {@code __typename}). */
    record Anyone() implements Access {}

    /** Any signed-in caller, in a team or not. */
    record SignedIn() implements Access {}

    /** A signed-in session only, never a personal access token (minting tokens, changing passwords). */
    record SessionOnly() implements Access {}

    /** A member of the current team with at least {@code role}, whose effective scopes include {@code scope}. */
    record Team(Role role, Scope scope) implements Access {}

    Access ANYONE = new Anyone();
    Access SIGNED_IN = new SignedIn();
    Access SESSION_ONLY = new SessionOnly();
    /** Reading the team's resources: any member, the read scope. */
    Access READ = team(Role.VIEWER, Scope.READ);
    /** Changing the team's resources: a member, the write scope. */
    Access WRITE = team(Role.MEMBER, Scope.WRITE);
    /** Running the team's resources (deploy, validate): a member, the deploy scope. */
    Access DEPLOY = team(Role.MEMBER, Scope.DEPLOY);
    /** Managing the team itself and its keys and servers: an admin, the admin scope. */
    Access MANAGE_TEAM = team(Role.ADMIN, Scope.ADMIN);

    static Access team(Role role, Scope scope) {
        return new Team(role, scope);
    }
}
