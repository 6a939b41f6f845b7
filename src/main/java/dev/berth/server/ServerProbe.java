package dev.berth.server;

import dev.berth.api.Viewer;
import dev.berth.events.RedisKeys;
import dev.berth.identity.TeamService;
import dev.berth.storage.Ids;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks every server periodically. Across Berth replicas one node at a time does it: the round is guarded
 * by a lock in Dragonfly ({@code SET berth:lock:server-probe <node> NX PX}) that expires by itself.
 */
@Singleton
final class ServerProbe {
    static final String LOCK = RedisKeys.lock("server-probe");
    private static final Logger LOG = LoggerFactory.getLogger(ServerProbe.class);

    private final ProbeProperties properties;
    private final TeamService teams;
    private final ServerService servers;
    private final ServerValidation validation;
    private final StatefulRedisConnection<String, String> redis;
    private final String node = UUID.randomUUID().toString();

    ServerProbe(ProbeProperties properties, TeamService teams, ServerService servers, ServerValidation validation,
                StatefulRedisConnection<String, String> redis, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        this.properties = properties;
        this.teams = teams;
        this.servers = servers;
        this.validation = validation;
        this.redis = redis;
        if (properties.enabled()) scheduler.scheduleWithFixedDelay(properties.every(), properties.every(), this::round);
    }

    /** One round, if this node wins the lock; returns how many servers it checked. */
    int round() {
        if (!acquire()) return 0;
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
            try {
                validation.run(system, serverId, Ids.next());
                checked++;
            } catch (RuntimeException e) {
                LOG.info("event=probe-skipped server={} reason={}", serverId, e.getClass().getSimpleName());
            }
        }
        return checked;
    }

    private boolean acquire() {
        try {
            var ok = redis.async().set(LOCK, node, SetArgs.Builder.nx().px(properties.every().toMillis())).get(5, TimeUnit.SECONDS);
            return "OK".equals(ok);
        } catch (Exception e) {
            return false;
        }
    }
}
