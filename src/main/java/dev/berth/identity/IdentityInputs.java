package dev.berth.identity;

import dev.berth.api.Arguments;
import dev.berth.api.Role;
import dev.berth.api.Scope;
import dev.berth.errors.InvalidInputException;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The identity mutations' inputs as records, parsed and validated in {@link IdentityWiring}: services never see
 * a raw GraphQL map. Errors name the input field; passwords and tokens are never echoed.
 */
final class IdentityInputs {
    private IdentityInputs() {}

    record SignUp(String email, String password, String name) {
        static SignUp from(Map<String, Object> input) {
            return new SignUp(Credentials.email("input.email", input.get("email")),
                    Credentials.newPassword("input.password", input.get("password")),
                    Credentials.displayName("input.name", input.get("name")));
        }

        @Override
        public String toString() {
            return "SignUp[email=" + email + ", password=***, name=" + name + "]";
        }
    }

    record Login(String email, String password) {
        static Login from(Map<String, Object> input) {
            if (!(input.get("email") instanceof String email) || !(input.get("password") instanceof String password)) {
                throw new InvalidInputException("input", "email and password are required");
            }
            return new Login(email, password);
        }

        @Override
        public String toString() {
            return "Login[email=" + email + ", password=***]";
        }
    }

    /** The current password is only checked, never validated as a new one; the new one must be acceptable. */
    record PasswordChange(String current, String next) {
        static PasswordChange from(Map<String, Object> input) {
            var current = input.get("currentPassword") instanceof String s ? s : "";
            return new PasswordChange(current, Credentials.newPassword("input.newPassword", input.get("newPassword")));
        }

        @Override
        public String toString() {
            return "PasswordChange[***]";
        }
    }

    record Invite(String email, Role role) {
        static Invite from(Map<String, Object> input) {
            return new Invite(Credentials.email("input.email", input.get("email")), parseRole("input.role", input.get("role")));
        }
    }

    record NewApiToken(String name, List<Scope> scopes, @Nullable Instant expiresAt, @Nullable List<UUID> projectIds) {
        static NewApiToken from(Map<String, Object> input) {
            return new NewApiToken(Credentials.displayName("input.name", input.get("name")), parseScopes(input.get("scopes")),
                    parseExpiry(input.get("expiresAt")), parseProjectIds(input.get("projectIds")));
        }
    }

    static String prefixedToken(String field, Object value, String prefix, String what) {
        if (!(value instanceof String raw) || !raw.startsWith(prefix)) throw new InvalidInputException(field, "not " + what);
        return raw;
    }

    static Role parseRole(String field, Object value) {
        try {
            return Role.valueOf(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "one of OWNER, ADMIN, MEMBER, VIEWER");
        }
    }

    private static List<Scope> parseScopes(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) throw new InvalidInputException("input.scopes", "at least one scope");
        var scopes = new LinkedHashSet<Scope>();
        for (var item : list) {
            scopes.add(Scope.fromWire(String.valueOf(item)).orElseThrow(() ->
                    new InvalidInputException("input.scopes", "unknown scope; use read, write, deploy, secrets:read, admin")));
        }
        return new ArrayList<>(scopes);
    }

    private static Instant parseExpiry(Object value) {
        if (value == null) return null;
        var at = value instanceof Instant i ? i : value instanceof OffsetDateTime odt ? odt.toInstant() : null;
        if (at == null || !at.isAfter(Instant.now())) throw new InvalidInputException("input.expiresAt", "must be in the future");
        return at;
    }

    private static List<UUID> parseProjectIds(Object value) {
        if (value == null) return null;
        if (!(value instanceof List<?> list) || list.isEmpty()) throw new InvalidInputException("input.projectIds", "a non-empty list or null");
        var ids = new LinkedHashSet<UUID>();
        for (var item : list) ids.add(Arguments.id("input.projectIds", item));
        return new ArrayList<>(ids);
    }
}
