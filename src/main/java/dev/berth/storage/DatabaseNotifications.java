package dev.berth.storage;

import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL {@code LISTEN} on a connection of its own (outside the pool), for changes that every Berth node must
 * hear when they commit, whichever node or code path made them (triggers call {@code pg_notify}). A listener is told
 * of each notification's payload, and of every gap: while the connection is down, and again when it is back,
 * because notifications sent in between are lost; {@link #listening()} says whether it is up.
 */
@jakarta.inject.Singleton
public final class DatabaseNotifications {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseNotifications.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** Somebody to tell. */
    public interface Listener {
        void notified(String payload);

        /** Notifications may have been missed (connection lost or just re-established). */
        void gap();
    }

    private record Subscription(String channel, Listener listener) {}

    private final DatabasePool pool;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean listening;
    private volatile boolean stopped;
    private volatile Connection connection;

    DatabaseNotifications(DatabasePool pool) {
        this.pool = pool;
        this.thread = Thread.ofPlatform().daemon().name("berth-pg-listen").unstarted(this::run);
    }

    /** Subscribes before the first connection is made, so nothing between start-up and the first LISTEN is missed. */
    public void subscribe(String channel, Listener listener) {
        if (!channel.matches("[a-z_]+")) throw new IllegalArgumentException("channel " + channel);
        subscriptions.add(new Subscription(channel, listener));
        synchronized (this) {
            if (!thread.isAlive() && !stopped) thread.start();
        }
    }

    /** Whether notifications are arriving now (false before the first LISTEN and while reconnecting). */
    public boolean listening() {
        return listening;
    }

    private void run() {
        while (!stopped) {
            try (var open = connect()) {
                connection = open;
                try (var statement = open.createStatement()) {
                    for (var channel : subscriptions.stream().map(Subscription::channel).distinct().toList()) {
                        statement.execute("LISTEN " + channel); // a checked [a-z_]+ name, never user input
                    }
                }
                listening = true;
                subscriptions.forEach(s -> s.listener().gap()); // whatever happened before LISTEN was not heard
                var pg = open.unwrap(PGConnection.class);
                while (!stopped) {
                    var notifications = pg.getNotifications(1000);
                    if (notifications == null) continue;
                    for (var notification : notifications) {
                        for (var s : subscriptions) {
                            if (s.channel().equals(notification.getName())) s.listener().notified(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped) return;
                if (listening) LOG.warn("event=pg-listen-lost reason={}", e.toString());
            } finally {
                if (listening) subscriptions.forEach(s -> s.listener().gap());
                listening = false;
                connection = null;
            }
            sleep();
        }
    }

    private Connection connect() throws SQLException {
        var hikari = pool.hikari();
        var properties = new Properties();
        if (hikari.getUsername() != null) properties.setProperty("user", hikari.getUsername());
        if (hikari.getPassword() != null) properties.setProperty("password", hikari.getPassword());
        properties.setProperty("ApplicationName", "berth-listen");
        properties.setProperty("connectTimeout", "5");
        var open = DriverManager.getConnection(hikari.getJdbcUrl(), properties);
        open.setAutoCommit(true);
        return open;
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        var open = connection;
        if (open != null) {
            try {
                open.close();
            } catch (SQLException ignored) {
                // closing on the way out
            }
        }
        thread.interrupt();
    }
}
