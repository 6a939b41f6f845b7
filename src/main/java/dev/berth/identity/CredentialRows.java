package dev.berth.identity;

import dev.berth.api.Role;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import io.micronaut.data.connection.ConnectionOperations;
import java.sql.Connection;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

/**
 * What resolving a credential needs, each in one statement on a pooled connection (no transaction: a single
 * read is consistent on its own): the token with its member's role and user, or the session with its user and
 * membership. Kept apart from the repositories because this is the hottest read of every request.
 */
@Singleton
class CredentialRows {
    /** A personal access token with what the viewer needs: null role when the user left the token's team. */
    record TokenRow(UUID id, UUID teamId, UUID userId, List<String> scopes, @Nullable List<String> projectIds,
                    @Nullable Instant expiresAt, @Nullable Instant revokedAt, @Nullable Role role, boolean instanceAdmin) {
        boolean usableAt(Instant now) {
            return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now)) && role != null;
        }
    }

    /** A session with its user and the membership it acts in (none: no team, or not a member of the chosen one). */
    record SessionRow(UUID sessionId, UUID userId, Instant expiresAt, @Nullable Instant revokedAt, boolean instanceAdmin,
                      @Nullable UUID teamId, @Nullable Role role) {
        boolean liveAt(Instant now) {
            return revokedAt == null && expiresAt.isAfter(now);
        }
    }

    private static final String TOKEN = """
            SELECT t.id, t.team_id, t.user_id, t.scopes, t.project_ids, t.expires_at, t.revoked_at, m.role, u.instance_admin
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            LEFT JOIN memberships m ON m.team_id = t.team_id AND m.user_id = t.user_id
            WHERE t.token_hash = ?""";

    /** The chosen team's membership, or the user's first one when no team is chosen. */
    private static final String SESSION = """
            SELECT s.id, s.user_id, s.expires_at, s.revoked_at, u.instance_admin, m.team_id, m.role
            FROM sessions s JOIN users u ON u.id = s.user_id
            LEFT JOIN LATERAL (SELECT team_id, role FROM memberships
                               WHERE user_id = s.user_id AND (CAST(? AS uuid) IS NULL OR team_id = CAST(? AS uuid))
                               ORDER BY created_at LIMIT 1) m ON true
            WHERE s.id = ? AND s.user_id = ?""";

    private final ConnectionOperations<Connection> connections;

    CredentialRows(ConnectionOperations<Connection> connections) {
        this.connections = connections;
    }

    Optional<TokenRow> token(String tokenHash) {
        return connections.executeRead(status -> token(status.getConnection(), tokenHash));
    }

    private static Optional<TokenRow> token(Connection connection, String tokenHash) {
        try (var statement = connection.prepareStatement(TOKEN)) {
            statement.setString(1, tokenHash);
            try (var rows = statement.executeQuery()) {
                if (!rows.next()) return Optional.empty();
                return Optional.of(new TokenRow(uuid(rows, 1), uuid(rows, 2), uuid(rows, 3),
                        strings(rows.getArray(4)), nullableStrings(rows.getArray(5)), instant(rows, 6), instant(rows, 7),
                        role(rows.getString(8)), rows.getBoolean(9)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("credential lookup failed", e);
        }
    }

    Optional<SessionRow> session(UUID sessionId, UUID userId, @Nullable UUID teamId) {
        return connections.executeRead(status -> session(status.getConnection(), sessionId, userId, teamId));
    }

    private static Optional<SessionRow> session(Connection connection, UUID sessionId, UUID userId, @Nullable UUID teamId) {
        try (var statement = connection.prepareStatement(SESSION)) {
            statement.setObject(1, teamId);
            statement.setObject(2, teamId);
            statement.setObject(3, sessionId);
            statement.setObject(4, userId);
            try (var rows = statement.executeQuery()) {
                if (!rows.next()) return Optional.empty();
                return Optional.of(new SessionRow(uuid(rows, 1), uuid(rows, 2), instant(rows, 3),
                        instant(rows, 4), rows.getBoolean(5), uuid(rows, 6), role(rows.getString(7))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("credential lookup failed", e);
        }
    }

    private static @Nullable Role role(@Nullable String value) {
        return value == null ? null : Role.valueOf(value);
    }

    private static List<String> strings(Array array) throws SQLException {
        var values = nullableStrings(array);
        return values == null ? List.of() : values;
    }

    private static @Nullable List<String> nullableStrings(@Nullable Array array) throws SQLException {
        if (array == null) return null;
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
