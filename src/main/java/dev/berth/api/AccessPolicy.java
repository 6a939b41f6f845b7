package dev.berth.api;

import dev.berth.errors.ForbiddenException;
import dev.berth.errors.UnauthenticatedException;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may resolve what: the merged {@link AccessRules} of every feature ({@code Type.field} entries, and
 * {@code Type.*} for every field of a type); a mutation's payload type inherits its mutation's rule unless it names
 * its own. The schema is checked against it at start-up: a field with no rule, or a field named by two features,
 * stops Berth, so a new field cannot ship unguarded. Object ownership (another team's id is NOT_FOUND) is the
 * services' job.
 */
@Singleton
public final class AccessPolicy {
    private final Map<String, Access> rules;

    AccessPolicy(List<AccessRules> features) {
        var merged = new HashMap<String, Access>();
        for (var feature : features) {
            feature.rules().forEach((key, access) -> {
                if (merged.putIfAbsent(key, access) != null) throw new IllegalStateException("two access rules for " + key);
            });
        }
        this.rules = Map.copyOf(merged);
    }

    /** Every explicit entry, as the features declared them. */
    Map<String, Access> rules() {
        return rules;
    }

    /** The rule for a field of {@code schema}: its own entry, else its type's, else its mutation's for a payload type. */
    Optional<Access> rule(GraphQLSchema schema, String type, String field) {
        var exact = rules.get(type + "." + field);
        if (exact != null) return Optional.of(exact);
        var wildcard = rules.get(type + ".*");
        if (wildcard != null) return Optional.of(wildcard);
        return payloadOf(schema, type);
    }

    /** The rule of the one mutation whose payload {@code type} is. */
    private Optional<Access> payloadOf(GraphQLSchema schema, String type) {
        var mutations = schema.getMutationType() == null ? List.<graphql.schema.GraphQLFieldDefinition>of()
                : schema.getMutationType().getFieldDefinitions();
        var owners = mutations.stream()
                .filter(m -> GraphQLTypeUtil.unwrapAll(m.getType()).getName().equals(type))
                .toList();
        if (owners.size() != 1) return Optional.empty();
        return Optional.ofNullable(rules.get("Mutation." + owners.getFirst().getName()));
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
