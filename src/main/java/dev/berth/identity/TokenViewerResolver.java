package dev.berth.identity;

import dev.berth.api.Role;
import dev.berth.api.Scope;
import dev.berth.api.Viewer;
import dev.berth.api.ViewerResolver;
import dev.berth.errors.UnauthenticatedException;
import dev.berth.identity.IdentityRepositories.MembershipRepository;
import dev.berth.identity.IdentityRepositories.SessionRepository;
import dev.berth.identity.IdentityRepositories.UserRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Resolves {@code Authorization: Bearer <access JWT | berth_pat_...>} into a {@link Viewer}. Every rejection
 * is the same UNAUTHENTICATED: a client learns nothing about why a token failed.
 */
@Singleton
class TokenViewerResolver implements ViewerResolver {
    private final AccessTokens accessTokens;
    private final SessionRepository sessions;
    private final UserRepository users;
    private final MembershipRepository memberships;
    private final ApiTokenRepository apiTokens;

    TokenViewerResolver(AccessTokens accessTokens, SessionRepository sessions, UserRepository users,
                        MembershipRepository memberships, ApiTokenRepository apiTokens) {
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.users = users;
        this.memberships = memberships;
        this.apiTokens = apiTokens;
    }

    @Override
    @Transactional // records a token's last use
    public Viewer resolve(@Nullable String authorization, @Nullable String team, Viewer.Client client) {
        if (authorization == null || authorization.isBlank()) return Viewer.anonymous(client);
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) throw invalid();
        var token = authorization.substring(7).trim();
        return token.startsWith(SecretTokens.PAT_PREFIX) ? fromApiToken(token, client) : fromSession(token, team, client);
    }

    @Override
    @ReadOnly
    public boolean stillValid(Viewer viewer) {
        if (!viewer.authenticated()) return true;
        if (viewer.tokenId() != null) {
            var token = apiTokens.findById(viewer.tokenId());
            if (token.isEmpty() || !token.get().usableAt(Instant.now())) return false;
        }
        if (viewer.sessionId() != null) {
            var session = sessions.findById(viewer.sessionId());
            if (session.isEmpty() || !session.get().liveAt(Instant.now())) return false;
        }
        if (viewer.teamId() == null) return true;
        var membership = memberships.findByTeamIdAndUserId(viewer.teamId(), viewer.userId());
        return membership.isPresent() && membership.get().role() == viewer.role();
    }

    private Viewer fromApiToken(String secret, Viewer.Client client) {
        var token = apiTokens.findByTokenHash(SecretTokens.hash(secret))
                .filter(t -> t.usableAt(Instant.now()))
                .orElseThrow(TokenViewerResolver::invalid);
        var membership = memberships.findByTeamIdAndUserId(token.teamId(), token.userId()).orElseThrow(TokenViewerResolver::invalid);
        var user = users.findById(token.userId()).orElseThrow(TokenViewerResolver::invalid);
        var scopes = EnumSet.noneOf(Scope.class);
        token.scopes().forEach(s -> Scope.fromWire(s).ifPresent(scopes::add));
        scopes.retainAll(membership.role().allowedScopes());
        apiTokens.touch(token.id());
        return new Viewer(user.id(), token.teamId(), membership.role(), scopes, token.id(), null,
                token.projectIds() == null ? null : token.projectIds().stream().map(UUID::fromString).collect(java.util.stream.Collectors.toSet()), user.instanceAdmin(), client);
    }

    private Viewer fromSession(String jwt, @Nullable String team, Viewer.Client client) {
        var claims = accessTokens.verify(jwt);
        var session = sessions.findById(claims.sessionId())
                .filter(s -> s.liveAt(Instant.now()) && s.userId().equals(claims.userId()))
                .orElseThrow(TokenViewerResolver::invalid);
        var user = users.findById(session.userId()).orElseThrow(TokenViewerResolver::invalid);
        Optional<Membership> membership = team == null || team.isBlank()
                ? memberships.findByUserIdOrderByCreatedAt(user.id()).stream().findFirst()
                : teamId(team).flatMap(id -> memberships.findByTeamIdAndUserId(id, user.id()));
        if (team != null && !team.isBlank() && membership.isEmpty()) throw new UnauthenticatedException("You are not a member of that team.");
        Role role = membership.map(Membership::role).orElse(null);
        return new Viewer(user.id(), membership.map(Membership::teamId).orElse(null), role,
                role == null ? Set.of() : role.allowedScopes(), null, session.id(), null, user.instanceAdmin(), client);
    }

    private static Optional<UUID> teamId(String value) {
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static UnauthenticatedException invalid() {
        return new UnauthenticatedException("Invalid or expired credentials.");
    }
}
