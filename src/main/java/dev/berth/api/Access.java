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

    static Access team(Role role, Scope scope) {
        return new Team(role, scope);
    }
}
