package dev.berth.identity;

import dev.berth.storage.Ids;
import io.micronaut.runtime.server.event.ServerStartupEvent;
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

    /** Once the server listens (its first request that needs the team finds it, or makes it, in any case). */
    @EventListener
    void onStartup(ServerStartupEvent event) {
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
