package dev.berth.identity;

import dev.berth.api.Role;
import dev.berth.api.Scope;
import dev.berth.api.Viewer;
import dev.berth.errors.ForbiddenException;
import dev.berth.errors.NotFoundException;
import dev.berth.project.ProjectService;
import dev.berth.storage.Ids;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.util.List;
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
    public CreatedToken create(Viewer viewer, IdentityInputs.NewApiToken input) {
        if (viewer.sessionId() == null) throw new ForbiddenException("API tokens are created from a signed-in session.");
        for (var scope : input.scopes()) {
            if (!viewer.role().allowedScopes().contains(scope)) {
                throw new ForbiddenException("Your role " + viewer.role() + " cannot grant the scope " + scope.wire() + ".");
            }
        }
        if (input.projectIds() != null) {
            // through the team-scoped finder: another team's project is NOT_FOUND, exactly like a missing one
            var found = projects.byIds(viewer, input.projectIds());
            for (var id : input.projectIds()) {
                if (!found.containsKey(id)) throw new NotFoundException("Project", id);
            }
        }
        var secret = SecretTokens.generate(SecretTokens.PAT_PREFIX);
        var token = tokens.save(new ApiToken(Ids.next(), viewer.teamId(), viewer.userId(), input.name(), SecretTokens.hash(secret),
                input.scopes().stream().map(Scope::wire).toList(),
                input.projectIds() == null ? null : input.projectIds().stream().map(UUID::toString).toList(),
                input.expiresAt(), null, null, null));
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

}
