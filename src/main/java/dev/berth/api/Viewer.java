package dev.berth.api;

import graphql.schema.DataFetchingEnvironment;
import io.micronaut.core.annotation.Nullable;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, resolved once per request (HTTP) or connection (graphql-ws) and passed to services.
 * Anonymous callers have no user. A signed-in user acts in one team at a time (their {@code teamId}, with
 * {@code role} there); a personal access token is bound to one team and narrows scopes and projects.
 *
 * @param scopes      effective scopes: the token's scopes ∩ what the role allows (all the role allows for a session)
 * @param projectIds  the only projects a token may touch, or null for all of the team's
 */
public record Viewer(@Nullable UUID userId, @Nullable UUID teamId, @Nullable Role role, Set<Scope> scopes,
                     @Nullable UUID tokenId, @Nullable UUID sessionId, @Nullable Set<UUID> projectIds,
                     boolean instanceAdmin, Client client) implements dev.berth.storage.TeamScoped {
    static final String CONTEXT_KEY = "berth.viewer";

    /** Where a request came from, for audit and rate limits. */
    public record Client(@Nullable String ip, @Nullable String userAgent) {
        public static final Client UNKNOWN = new Client(null, null);
    }

    public Viewer {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
        projectIds = projectIds == null ? null : Set.copyOf(projectIds);
        client = client == null ? Client.UNKNOWN : client;
    }

    /** The same caller, arriving from {@code client} (a cached caller, on its next request). */
    public Viewer withClient(Client client) {
        return client.equals(this.client) ? this
                : new Viewer(userId, teamId, role, scopes, tokenId, sessionId, projectIds, instanceAdmin, client);
    }

    public static Viewer anonymous(Client client) {
        return new Viewer(null, null, null, Set.of(), null, null, null, false, client);
    }

    /** Where background work comes from: its audit rows show {@code system} and the job, never a user. */
    public static final String SYSTEM_ADDRESS = "system";

    /**
     * Background work of {@code job} (e.g. {@code server-probe}) acting in one team: no user, no role, no token,
     * only the team. The access policy refuses it everything (it has no role); services take it for their
     * team-scoped reads and writes, and the audit log shows it as {@code system}.
     */
    public static Viewer system(UUID teamId, String job) {
        return new Viewer(null, teamId, null, Set.of(), null, null, null, false, new Client(SYSTEM_ADDRESS, "berth:" + job));
    }

    /** True for background work ({@link #system}). */
    public boolean isSystem() {
        return userId == null && teamId != null && SYSTEM_ADDRESS.equals(client.ip());
    }

    public boolean authenticated() {
        return userId != null;
    }

    public boolean inTeam() {
        return teamId != null && role != null;
    }

    /**
     * Whether this caller may see anything of {@code teamId} beside its current team: a session reaches every
     * team its user belongs to; a personal access token reaches exactly its own team and nothing else.
     */
    public boolean reaches(UUID teamId) {
        return tokenId == null || teamId.equals(this.teamId);
    }

    /** True when a token limited to some projects does not include this one. */
    public boolean excludes(UUID projectId) {
        return projectIds != null && !projectIds.contains(projectId);
    }

    public static Viewer from(DataFetchingEnvironment env) {
        Viewer viewer = env.getGraphQlContext().get(CONTEXT_KEY);
        if (viewer == null) throw new IllegalStateException("no viewer in the GraphQL context");
        return viewer;
    }
}
