package dev.berth.identity;

import dev.berth.identity.IdentityRepositories.SessionRepository;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * Revokes a session in a transaction of its own, so the revocation stands even though the request that
 * detected the replayed refresh token fails (and rolls back its own transaction).
 */
@Singleton
class SessionRevocation {
    private final SessionRepository sessions;

    SessionRevocation(SessionRepository sessions) {
        this.sessions = sessions;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void revokeNow(UUID sessionId) {
        sessions.revoke(sessionId);
    }
}
