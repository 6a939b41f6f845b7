package dev.berth.identity;

import dev.berth.api.Arguments;
import dev.berth.api.DataLoaderContribution;
import dev.berth.api.Scope;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dataloader.DataLoaderFactory;
import dev.berth.api.Loaders;

/** Fetchers of {@code schema/identity.graphqls}. */
@Singleton
final class IdentityWiring implements WiringContribution, DataLoaderContribution {
    private static final String TEAM_BY_ID = "teamById";
    private static final String USER_BY_ID = "userById";

    /** The {@code Me} object: the viewer, with the user record. */
    record Me(User user, Viewer viewer) {}

    /** A member as the team sees them. */
    record TeamMember(UUID userId, dev.berth.api.Role role, java.time.Instant joinedAt) {}

    private final AuthService auth;
    private final TeamService teams;
    private final ApiTokenService tokens;
    IdentityWiring(AuthService auth, TeamService teams, ApiTokenService tokens) {
        this.auth = auth;
        this.teams = teams;
        this.tokens = tokens;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t
                .dataFetcher("me", env -> new Me(auth.user(Viewer.from(env).userId()), Viewer.from(env)))
                .dataFetcher("team", env -> teams.current(Viewer.from(env)))
                .dataFetcher("apiTokens", env -> tokens.list(Viewer.from(env))));
        wiring.type("Mutation", t -> t
                .dataFetcher("signUp", env -> auth.signUp(IdentityInputs.SignUp.from(Arguments.input(env)), Viewer.from(env).client()))
                .dataFetcher("login", env -> auth.login(IdentityInputs.Login.from(Arguments.input(env)), Viewer.from(env).client()))
                .dataFetcher("refreshSession", env -> auth.refresh(String.valueOf(Arguments.input(env).get("refreshToken")), Viewer.from(env).client()))
                .dataFetcher("logout", this::logout)
                .dataFetcher("changePassword", env -> Map.of("user",
                        auth.changePassword(Viewer.from(env), IdentityInputs.PasswordChange.from(Arguments.input(env)))))
                .dataFetcher("createTeam", env -> Map.of("team",
                        teams.create(Viewer.from(env), Credentials.displayName("input.name", Arguments.input(env).get("name")))))
                .dataFetcher("inviteMember", env -> invited(teams.invite(Viewer.from(env), IdentityInputs.Invite.from(Arguments.input(env)))))
                .dataFetcher("acceptInvitation", env -> {
                    var membership = teams.accept(Viewer.from(env), IdentityInputs.prefixedToken("input.token",
                            Arguments.input(env).get("token"), SecretTokens.INVITE_PREFIX, "an invitation token"));
                    return Map.of("team", teams.byIds(Set.of(membership.teamId())).getFirst(), "role", membership.role());
                })
                .dataFetcher("changeMemberRole", env -> {
                    var m = teams.changeRole(Viewer.from(env), inputId(env, "userId"),
                            IdentityInputs.parseRole("input.role", Arguments.input(env).get("role")));
                    return Map.of("member", new TeamMember(m.userId(), m.role(), m.createdAt()));
                })
                .dataFetcher("removeMember", env -> Map.of("removedUserId", teams.remove(Viewer.from(env), inputId(env, "userId"))))
                .dataFetcher("leaveTeam", env -> Map.of("teamId", teams.leave(Viewer.from(env), inputId(env, "teamId"))))
                .dataFetcher("createApiToken", env -> {
                    var created = tokens.create(Viewer.from(env), IdentityInputs.NewApiToken.from(Arguments.input(env)));
                    return Map.of("apiToken", created.apiToken(), "token", created.token());
                })
                .dataFetcher("revokeApiToken", env -> Map.of("apiToken", tokens.revoke(Viewer.from(env), inputId(env, "id")))));
        wiring.type("Me", t -> t
                .dataFetcher("team", env -> {
                    var viewer = env.<Me>getSource().viewer();
                    return viewer.teamId() == null ? null : env.getDataLoader(TEAM_BY_ID).load(viewer.teamId());
                })
                .dataFetcher("role", env -> env.<Me>getSource().viewer().role())
                .dataFetcher("scopes", env -> env.<Me>getSource().viewer().scopes().stream().map(Scope::wire).sorted().toList())
                .dataFetcher("viaApiToken", env -> env.<Me>getSource().viewer().tokenId() != null)
                .dataFetcher("instanceAdmin", env -> env.<Me>getSource().viewer().instanceAdmin())
                .dataFetcher("memberships", env -> teams.membershipsOf(env.<Me>getSource().viewer())));
        wiring.type("Membership", t -> t
                .dataFetcher("team", env -> env.getDataLoader(TEAM_BY_ID).load(env.<Membership>getSource().teamId()))
                .dataFetcher("joinedAt", env -> env.<Membership>getSource().createdAt()));
        wiring.type("Team", t -> t
                .dataFetcher("members", env -> teams.members(Viewer.from(env), env.<Team>getSource().id()).stream()
                        .map(m -> new TeamMember(m.userId(), m.role(), m.createdAt())).toList())
                .dataFetcher("invitations", env -> teams.pendingInvitations(Viewer.from(env), env.<Team>getSource().id())));
        wiring.type("TeamMember", t -> t.dataFetcher("user", env -> env.getDataLoader(USER_BY_ID).load(env.<TeamMember>getSource().userId())));
        wiring.type("Invitation", t -> t.dataFetcher("email", env -> env.<Invitation>getSource().emailNormalized()));
        wiring.type("AuthPayload", t -> t.dataFetcher("accessTokenExpiresAt", env -> env.<SignedIn>getSource().accessTokenExpiresAt()));
    }

    @Override
    public void register(Loaders loaders, Viewer viewer) {
        loaders.add(TEAM_BY_ID, () -> DataLoaderFactory.<UUID, Team>newMappedDataLoader((Set<UUID> ids) ->
                CompletableFuture.completedFuture(index(teams.byIds(ids), Team::id))));
        loaders.add(USER_BY_ID, () -> DataLoaderFactory.<UUID, User>newMappedDataLoader((Set<UUID> ids) ->
                CompletableFuture.completedFuture(index(auth.users(ids), User::id))));
    }

    private Map<String, Object> logout(DataFetchingEnvironment env) {
        auth.logout(Viewer.from(env));
        var input = env.<Map<String, Object>>getArgument("input");
        var payload = new java.util.HashMap<String, Object>();
        payload.put("clientMutationId", input == null ? null : input.get("clientMutationId"));
        return payload;
    }

    private static Map<String, Object> invited(Invited invited) {
        return Map.of("invitation", invited.invitation(), "token", invited.token());
    }

    private static UUID inputId(DataFetchingEnvironment env, String key) {
        return Arguments.id("input." + key, Arguments.input(env).get(key));
    }

    private static <T> Map<UUID, T> index(java.util.List<T> rows, Function<T, UUID> id) {
        return rows.stream().collect(Collectors.toMap(id, r -> r));
    }
}
