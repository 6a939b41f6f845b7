package dev.berth.identity;

import dev.berth.api.Role;
import dev.berth.api.Scope;
import dev.berth.api.Viewer;
import dev.berth.errors.ForbiddenException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.project.ProjectService;
import dev.berth.storage.Ids;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Personal access tokens: made by a signed-in member for the current team, never by another token. */
@Singleton
public class ApiTokenService {
    private final ApiTokenRepository tokens;
    private final ProjectService projects;

    ApiTokenService(ApiTokenRepository tokens, ProjectService projects) {
        this.tokens = tokens;
        this.projects = projects;
    }

    @Transactional
    public CreatedToken create(Viewer viewer, Map<String, Object> input) {
        if (viewer.sessionId() == null) throw new ForbiddenException("API tokens are created from a signed-in session.");
        var name = Credentials.displayName("input.name", input.get("name"));
        var scopes = scopes(input.get("scopes"));
        for (var scope : scopes) {
            if (!viewer.role().allowedScopes().contains(scope)) {
                throw new ForbiddenException("Your role " + viewer.role() + " cannot grant the scope " + scope.wire() + ".");
            }
        }
        var expiresAt = expiry(input.get("expiresAt"));
        var projectIds = projectIds(input.get("projectIds"));
        if (projectIds != null) {
            // through the team-scoped finder: another team's project is NOT_FOUND, exactly like a missing one
            var found = projects.byIds(viewer, projectIds.stream().map(UUID::fromString).toList());
            for (var id : projectIds) {
                if (!found.containsKey(UUID.fromString(id))) throw new NotFoundException("Project", id);
            }
        }
        var secret = SecretTokens.generate(SecretTokens.PAT_PREFIX);
        var token = tokens.save(new ApiToken(Ids.next(), viewer.teamId(), viewer.userId(), name, SecretTokens.hash(secret),
                scopes.stream().map(Scope::wire).toList(), projectIds, expiresAt, null, null, null));
        return new CreatedToken(token, secret);
    }

    /** A member revokes their own tokens; an admin or owner (with the admin scope, for a token) any of the team's. */
    @Transactional
    public ApiToken revoke(Viewer viewer, UUID id) {
        if (!viewer.inTeam()) throw new NotFoundException("ApiToken", id);
        boolean manager = viewer.role().atLeast(Role.ADMIN) && viewer.scopes().contains(Scope.ADMIN);
        var token = tokens.findByIdAndTeamId(id, viewer.teamId())
                .filter(t -> t.userId().equals(viewer.userId()) || manager)
                .orElseThrow(() -> new NotFoundException("ApiToken", id));
        tokens.revoke(id);
        return tokens.findById(token.id()).orElseThrow();
    }

    /** The caller's tokens in the current team; all of the team's for admins and owners. */
    @ReadOnly
    public List<ApiToken> list(Viewer viewer) {
        return viewer.role().atLeast(Role.ADMIN)
                ? tokens.findByTeamIdOrderById(viewer.teamId())
                : tokens.findByTeamIdAndUserIdOrderById(viewer.teamId(), viewer.userId());
    }

    private static List<Scope> scopes(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) throw new InvalidInputException("input.scopes", "at least one scope");
        var scopes = new LinkedHashSet<Scope>();
        for (var item : list) {
            scopes.add(Scope.fromWire(String.valueOf(item)).orElseThrow(() ->
                    new InvalidInputException("input.scopes", "unknown scope; use read, write, deploy, secrets:read, admin")));
        }
        return new ArrayList<>(scopes);
    }

    private static Instant expiry(Object value) {
        if (value == null) return null;
        var at = value instanceof Instant i ? i : value instanceof OffsetDateTime odt ? odt.toInstant() : null;
        if (at == null || !at.isAfter(Instant.now())) throw new InvalidInputException("input.expiresAt", "must be in the future");
        return at;
    }

    private static List<String> projectIds(Object value) {
        if (value == null) return null;
        if (!(value instanceof List<?> list) || list.isEmpty()) throw new InvalidInputException("input.projectIds", "a non-empty list or null");
        var ids = new LinkedHashSet<String>();
        for (var item : list) ids.add(dev.berth.api.Arguments.id("input.projectIds", item).toString());
        return new ArrayList<>(ids);
    }
}
