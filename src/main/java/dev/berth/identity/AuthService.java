package dev.berth.identity;

import dev.berth.api.Role;
import dev.berth.api.Viewer;
import dev.berth.errors.ForbiddenException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.UnauthenticatedException;
import dev.berth.identity.IdentityRepositories.MembershipRepository;
import dev.berth.identity.IdentityRepositories.RefreshTokenRepository;
import dev.berth.identity.IdentityRepositories.SessionRepository;
import dev.berth.identity.IdentityRepositories.UserRepository;
import dev.berth.storage.Ids;
import dev.berth.storage.UniqueViolation;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Sign-up, sign-in, session refresh and revocation. Password hashing and the Dragonfly throttle run outside any
 * transaction (those mutations are {@code @ownTransaction} in the schema): a connection is held only for the
 * short reads and writes around them, so slow sign-ins cannot drain the pool.
 */
@Singleton
public class AuthService {
    private final UserRepository users;
    private final MembershipRepository memberships;
    private final SessionRepository sessions;
    private final RefreshTokenRepository refreshTokens;
    private final TeamService teams;
    private final PasswordHasher hasher;
    private final AccessTokens accessTokens;
    private final LoginThrottle throttle;
    private final IdentityProperties properties;
    private final SessionRevocation revocation;
    private final TransactionOperations<Connection> transactions;

    AuthService(TransactionOperations<Connection> transactions, SessionRevocation revocation, UserRepository users, MembershipRepository memberships, SessionRepository sessions,
                RefreshTokenRepository refreshTokens, TeamService teams, PasswordHasher hasher,
                AccessTokens accessTokens, LoginThrottle throttle, IdentityProperties properties) {
        this.users = users;
        this.memberships = memberships;
        this.sessions = sessions;
        this.refreshTokens = refreshTokens;
        this.teams = teams;
        this.hasher = hasher;
        this.accessTokens = accessTokens;
        this.throttle = throttle;
        this.properties = properties;
        this.revocation = revocation;
        this.transactions = transactions;
    }

    /**
     * Creates a user with a team of their own. The instance's first user becomes instance admin and owner
     * of the bootstrap team (so data made before identity existed stays reachable); later sign-ups may be
     * switched off with {@code BERTH_IDENTITY_SIGN_UP_ENABLED=false}.
     */
    public SignedIn signUp(IdentityInputs.SignUp input, Viewer.Client client) {
        var email = input.email();
        var name = input.name();
        var hash = hasher.hash(input.password());
        // made before the sign-up's transaction (once; then known): the sign-ups waiting on its lock each hold a
        // connection, and a team made inside it would need another of the pool's
        var bootstrapTeam = teams.bootstrapTeamId();
        return transactions.executeWrite(status -> {
            users.lockSignUps();
            boolean first = users.countAll() == 0;
            if (!first && !properties.signUpEnabled()) throw new ForbiddenException("Sign-up is disabled on this instance.");
            var user = new User(Ids.next(), email, Credentials.normalize(email), name, hash, first, Instant.now(), null);
            UniqueViolation.orConflict(() -> users.save(user), "An account with this email already exists.");
            UUID teamId = first ? bootstrapTeam : teams.createPersonalTeam(name);
            memberships.save(new Membership(Ids.next(), teamId, user.id(), Role.OWNER, null));
            return startSession(user, client);
        });
    }

    public SignedIn login(IdentityInputs.Login input, Viewer.Client client) {
        var password = input.password();
        var normalized = Credentials.normalize(input.email());
        throttle.beforeAttempt(normalized, client);
        var user = transactions.executeRead(status -> users.findByEmailNormalized(normalized));
        if (user.isEmpty()) {
            hasher.burn(password);
            throttle.failed(normalized);
            throw wrongCredentials();
        }
        if (!hasher.matches(password, user.get().passwordHash())) {
            throttle.failed(normalized);
            throw wrongCredentials();
        }
        throttle.succeeded(normalized);
        return transactions.executeWrite(status -> startSession(user.get(), client));
    }

    /** Swaps a refresh token for new tokens. A refresh token presented twice revokes its whole session. */
    @Transactional
    public SignedIn refresh(String raw, Viewer.Client client) {
        if (!raw.startsWith(SecretTokens.REFRESH_PREFIX)) throw invalidRefresh();
        var hash = SecretTokens.hash(raw);
        var stored = refreshTokens.findById(hash).orElseThrow(AuthService::invalidRefresh);
        var session = sessions.findById(stored.sessionId()).orElseThrow(AuthService::invalidRefresh);
        if (refreshTokens.use(hash) == 0) {
            revocation.revokeNow(session.id());
            throw invalidRefresh();
        }
        if (!session.liveAt(Instant.now())) throw invalidRefresh();
        var user = users.findById(session.userId()).orElseThrow(AuthService::invalidRefresh);
        return tokens(user, session.id());
    }

    @ReadOnly
    public User user(UUID id) {
        return users.findById(id).orElseThrow(() -> new UnauthenticatedException("Unknown user."));
    }

    @ReadOnly
    public List<User> users(Collection<UUID> ids) {
        return users.findByIdIn(ids);
    }

    /** Revokes the caller's session: its refresh tokens stop working and so do its access tokens. */
    @Transactional
    public UUID logout(Viewer viewer) {
        requireSession(viewer);
        sessions.revoke(viewer.sessionId());
        return viewer.sessionId();
    }

    /** Changes the caller's password and revokes every other session of theirs. */
    public User changePassword(Viewer viewer, IdentityInputs.PasswordChange input) {
        requireSession(viewer);
        var user = transactions.executeRead(status -> users.findById(viewer.userId()))
                .orElseThrow(() -> new UnauthenticatedException("Unknown user."));
        if (!hasher.matches(input.current(), user.passwordHash())) {
            throw new InvalidInputException("input.currentPassword", "does not match");
        }
        var hash = hasher.hash(input.next());
        return transactions.executeWrite(status -> {
            // re-read in the transaction: the stored hash must still be the one just verified
            var stored = users.findById(user.id()).filter(u -> u.passwordHash().equals(user.passwordHash()))
                    .orElseThrow(() -> new InvalidInputException("input.currentPassword", "does not match"));
            var changed = users.update(stored.withPasswordHash(hash, Instant.now()));
            sessions.revokeOthers(user.id(), viewer.sessionId());
            return changed;
        });
    }

    private SignedIn startSession(User user, Viewer.Client client) {
        var session = sessions.save(new Session(Ids.next(), user.id(), null, Instant.now().plus(properties.sessionTtl()),
                null, client.ip(), truncate(client.userAgent())));
        return tokens(user, session.id());
    }

    private SignedIn tokens(User user, UUID sessionId) {
        var refresh = SecretTokens.generate(SecretTokens.REFRESH_PREFIX);
        refreshTokens.save(new RefreshToken(SecretTokens.hash(refresh), sessionId, null, null));
        var access = accessTokens.issue(user.id(), sessionId);
        return new SignedIn(access, Instant.now().plus(properties.accessTokenTtl()), refresh, user);
    }

    private static void requireSession(Viewer viewer) {
        if (viewer.sessionId() == null) throw new ForbiddenException("This needs a signed-in session, not an API token.");
    }

    private static String truncate(String userAgent) {
        return userAgent == null || userAgent.length() <= 512 ? userAgent : userAgent.substring(0, 512);
    }

    private static UnauthenticatedException wrongCredentials() {
        return new UnauthenticatedException("Wrong email or password.");
    }

    private static UnauthenticatedException invalidRefresh() {
        return new UnauthenticatedException("The refresh token is invalid, used or expired.");
    }
}
