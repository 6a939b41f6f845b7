package dev.berth.identity;

import dev.berth.api.Role;
import dev.berth.api.Scope;
import dev.berth.api.Viewer;
import dev.berth.api.ViewerResolver;
import dev.berth.errors.UnauthenticatedException;
import dev.berth.identity.IdentityRepositories.MembershipRepository;
import dev.berth.identity.IdentityRepositories.SessionRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Resolves {@code Authorization: Bearer <access JWT | berth_pat_...>} into a {@link Viewer}. Every rejection
 * is the same UNAUTHENTICATED: a client learns nothing about why a token failed. A credential costs one indexed
 * statement the first time, then nothing while {@link ViewerCache} holds it; a token's last use is written in
 * batches ({@link TokenUses}).
 */
@Singleton
class TokenViewerResolver implements ViewerResolver {
    private final AccessTokens accessTokens;
    private final SessionRepository sessions;
    private final MembershipRepository memberships;
    private final ApiTokenRepository apiTokens;
    private final CredentialRows rows;
    private final ViewerCache cache;
    private final TokenUses uses;

    TokenViewerResolver(AccessTokens accessTokens, SessionRepository sessions, MembershipRepository memberships,
                        ApiTokenRepository apiTokens, CredentialRows rows, ViewerCache cache, TokenUses uses) {
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.memberships = memberships;
        this.apiTokens = apiTokens;
        this.rows = rows;
        this.cache = cache;
        this.uses = uses;
    }

    @Override
    public Viewer resolve(@Nullable String authorization, @Nullable String team, Viewer.Client client) {
        if (authorization == null || authorization.isBlank()) return Viewer.anonymous(client);
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) throw invalid();
        var token = authorization.substring(7).trim();
        var viewer = token.startsWith(SecretTokens.PAT_PREFIX) ? fromApiToken(token) : fromSession(token, team);
        return viewer.withClient(client);
    }

    @Override
    public void credentialsChanged() {
        cache.clear();
    }

    @Override
    public long credentialsGeneration() {
        return cache.generation();
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

    private Viewer fromApiToken(String secret) {
        var key = new ViewerCache.Key(SecretTokens.hash(secret), null);
        var now = Instant.now();
        var cached = cache.get(key, now);
        if (cached.isPresent()) {
            uses.record(cached.get().tokenId());
            return cached.get();
        }
        long generation = cache.generation();
        var token = rows.token(key.credential()).filter(t -> t.usableAt(now)).orElseThrow(TokenViewerResolver::invalid);
        var scopes = EnumSet.noneOf(Scope.class);
        token.scopes().forEach(s -> Scope.fromWire(s).ifPresent(scopes::add));
        scopes.retainAll(token.role().allowedScopes());
        var viewer = new Viewer(token.userId(), token.teamId(), token.role(), scopes, token.id(), null,
                token.projectIds() == null ? null : token.projectIds().stream().map(UUID::fromString).collect(Collectors.toSet()),
                token.instanceAdmin(), Viewer.Client.UNKNOWN);
        cache.put(key, viewer, token.expiresAt(), generation, now);
        uses.record(token.id());
        return viewer;
    }

    private Viewer fromSession(String jwt, @Nullable String team) {
        var claims = accessTokens.verify(jwt);
        boolean chosen = team != null && !team.isBlank();
        var key = new ViewerCache.Key(claims.sessionId() + "/" + claims.userId(), chosen ? team : null);
        var now = Instant.now();
        var cached = cache.get(key, now);
        if (cached.isPresent()) return cached.get();
        long generation = cache.generation();
        // a chosen team that is not an id matches no membership: refused below, after the session itself
        UUID teamId = chosen ? teamId(team).orElse(NO_TEAM) : null;
        var session = rows.session(claims.sessionId(), claims.userId(), teamId)
                .filter(s -> s.liveAt(now))
                .orElseThrow(TokenViewerResolver::invalid);
        if (chosen && session.role() == null) throw notAMember();
        Role role = session.role();
        var viewer = new Viewer(session.userId(), role == null ? null : session.teamId(), role,
                role == null ? Set.of() : role.allowedScopes(), null, session.sessionId(), null, session.instanceAdmin(), Viewer.Client.UNKNOWN);
        cache.put(key, viewer, session.expiresAt(), generation, now);
        return viewer;
    }

    private static final UUID NO_TEAM = new UUID(0, 0);

    private static Optional<UUID> teamId(String value) {
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static UnauthenticatedException notAMember() {
        return new UnauthenticatedException("You are not a member of that team.");
    }

    private static UnauthenticatedException invalid() {
        return new UnauthenticatedException("Invalid or expired credentials.");
    }
}
