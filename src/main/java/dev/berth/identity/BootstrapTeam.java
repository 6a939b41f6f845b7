package dev.berth.identity;

import dev.berth.runtime.StartsWhenReady;
import dev.berth.storage.Ids;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The team made at first start, which the instance's first user owns (so data made before identity existed stays
 * reachable). Safe with several Berth processes starting at once: the insert is idempotent on the slug.
 * <p>
 * Made once the node is ready ({@link StartsWhenReady}), not on the way to ready: its statement is the first through
 * Micronaut Data's repositories, whose runtime costs ~0.3 s of the main thread to build; a sign-up that comes sooner
 * makes it itself, before its own transaction.
 */
@Singleton
final class BootstrapTeam implements StartsWhenReady {
    static final String SLUG = "default";
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTeam.class);

    private final TeamRepository teams;
    private final TransactionOperations<Connection> transactions;
    private volatile UUID id;

    BootstrapTeam(TeamRepository teams, TransactionOperations<Connection> transactions) {
        this.teams = teams;
        this.transactions = transactions;
    }

    /** {@link #id()}, its failure logged: the first sign-up tries again. */
    @Override
    public void startWhenReady() {
        try {
            id();
        } catch (RuntimeException e) {
            LOG.warn("event=bootstrap-team-failed error={}", e.getClass().getSimpleName());
        }
    }

    /**
     * In a transaction of its own, also when asked inside another: were the first sign-up to make the team inside
     * its own transaction and roll back, the id kept here would name a team that does not exist.
     */
    UUID id() {
        var known = id;
        if (known != null) return known;
        var team = transactions.execute(TransactionDefinition.of(TransactionDefinition.Propagation.REQUIRES_NEW), status -> {
            teams.insertIfAbsent(Ids.next(), SLUG, "Default team");
            return teams.findBySlug(SLUG).orElseThrow();
        });
        LOG.info("event=bootstrap-team team={}", team.id());
        id = team.id();
        return team.id();
    }
}
