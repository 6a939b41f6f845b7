package dev.berth.identity;

import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import io.micronaut.data.connection.ConnectionOperations;
import java.sql.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token's last use ({@code lastUsedAt}), written off the request path: uses are collected in memory and written
 * in one statement every {@link #EVERY}, at minute precision (a token used all the time is written once a minute).
 */
@Singleton
class TokenUses {
    private static final Logger LOG = LoggerFactory.getLogger(TokenUses.class);
    static final Duration EVERY = Duration.ofSeconds(5);
    private static final String TOUCH = """
            UPDATE api_tokens SET last_used_at = now()
            WHERE id = ANY (?) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')""";

    private final ConnectionOperations<Connection> connections;
    private final Set<UUID> used = ConcurrentHashMap.newKeySet();

    TokenUses(ConnectionOperations<Connection> connections, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        this.connections = connections;
        scheduler.scheduleWithFixedDelay(EVERY, EVERY, this::flush);
    }

    void record(UUID tokenId) {
        used.add(tokenId);
    }

    @PreDestroy
    synchronized void flush() {
        if (used.isEmpty()) return;
        var batch = used.toArray(UUID[]::new);
        for (var id : batch) used.remove(id);
        try {
            connections.executeWrite(status -> {
                try (var statement = status.getConnection().prepareStatement(TOUCH)) {
                    statement.setArray(1, status.getConnection().createArrayOf("uuid", batch));
                    return statement.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("event=token-last-used-not-written tokens={} reason={}", batch.length, e.toString());
        }
    }
}
