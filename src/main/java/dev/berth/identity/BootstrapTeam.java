package dev.berth.identity;

import dev.berth.storage.Ids;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Until users and teams land, every caller acts in one team created at first start. Safe with several
 * Berth processes starting at once: the insert is idempotent on the slug.
 */
@Singleton
final class BootstrapTeam {
    static final String SLUG = "default";
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTeam.class);

    private final TeamRepository teams;
    private volatile UUID id;

    BootstrapTeam(TeamRepository teams) {
        this.teams = teams;
    }

    /**
     * Before the server listens, outside any transaction: were the first sign-up to make the team inside its own
     * transaction and roll back, the id kept here would name a team that does not exist.
     */
    @EventListener
    void onStartup(StartupEvent event) {
        id();
    }

    UUID id() {
        var known = id;
        if (known != null) return known;
        teams.insertIfAbsent(Ids.next(), SLUG, "Default team");
        var team = teams.findBySlug(SLUG).orElseThrow();
        LOG.info("event=bootstrap-team team={}", team.id());
        id = team.id();
        return team.id();
    }
}
