package dev.berth.server;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.berth.api.Viewer;
import dev.berth.identity.TeamService;
import dev.berth.jobs.RecurringJob;
import dev.berth.storage.Ids;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks every server periodically: a recurring job of the job engine, so across Berth replicas exactly one node
 * runs each round, and a round whose node died is taken over by another.
 */
@Singleton
final class ServerProbe implements RecurringJob {
    private static final Logger LOG = LoggerFactory.getLogger(ServerProbe.class);

    private final ProbeProperties properties;
    private final TeamService teams;
    private final ServerService servers;
    private final ServerValidation validation;

    private final dev.berth.jobs.NodeStopping stopping;

    ServerProbe(ProbeProperties properties, TeamService teams, ServerService servers, ServerValidation validation,
                dev.berth.jobs.NodeStopping stopping) {
        this.stopping = stopping;
        this.properties = properties;
        this.teams = teams;
        this.servers = servers;
        this.validation = validation;
    }

    @Override
    public RecurringTask<?> task() {
        if (!properties.enabled()) return null;
        return Tasks.recurring("server-probe", FixedDelay.of(properties.every())).execute((instance, context) -> round());
    }

    /** One round; returns how many servers it checked. */
    int round() {
        int checked = 0;
        for (var teamId : teams.allTeamIds()) {
            var system = Viewer.system(teamId, "server-probe");
            try {
                checked += check(system, servers.servers(system).stream().map(Server::id).toList());
            } catch (RuntimeException e) {
                LOG.warn("event=probe-team-failed team={} error={}", teamId, e.getClass().getSimpleName());
            }
        }
        LOG.debug("event=probe-round servers={}", checked);
        return checked;
    }

    /**
     * Checks each server in turn. One that fails unexpectedly, or was deleted since the list was read, is
     * logged and skipped: the rest of the round goes on. Returns how many were checked.
     */
    int check(Viewer system, java.util.List<UUID> serverIds) {
        int checked = 0;
        for (var serverId : serverIds) {
            if (stopping.now()) break; // the node stops: the next round, on whichever node, checks the rest
            try {
                validation.run(system, serverId, Ids.next());
                checked++;
            } catch (RuntimeException e) {
                LOG.info("event=probe-skipped server={} reason={}", serverId, e.getClass().getSimpleName());
            }
        }
        return checked;
    }
}
