package dev.berth.api;

import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;

/**
 * The state of one graphql-ws connection. Operation ids live here, so one connection can never see,
 * complete or collide with another's operations.
 */
final class WsConnection {
    /**
     * Close codes of the graphql-transport-ws protocol, and 1013 (Try Again Later) for what passes: a subscriber that
     * cannot keep up, Dragonfly away. graphql-ws clients retry 1013 and 1001 by default; 1011 they treat as fatal.
     */
    static final CloseReason BAD_MESSAGE = new CloseReason(4400, "Invalid message");
    static final CloseReason UNAUTHORIZED = new CloseReason(4401, "Unauthorized");
    static final CloseReason FORBIDDEN = new CloseReason(4403, "Forbidden");
    static final CloseReason INIT_TIMEOUT = new CloseReason(4408, "Connection initialisation timeout");
    static final CloseReason TOO_MANY_INIT = new CloseReason(4429, "Too many initialisation requests");
    static final CloseReason TOO_MANY_REFUSED = new CloseReason(4429, "Too many refused credentials, retry later");
    static final CloseReason EVENTS_UNAVAILABLE = new CloseReason(1013, "Live events unavailable (Dragonfly unreachable), reconnect later");
    static final CloseReason GOING_AWAY = new CloseReason(1001, "Server shutting down, reconnect");
    static final CloseReason TOO_SLOW = new CloseReason(1013, "Subscriber too slow, reconnect");

    final WebSocketSession session;
    /** Everything sent on the connection goes through it, in order. */
    final WsOutbox outbox;
    final Viewer.Client client;
    final Map<String, Disposable> operations = new ConcurrentHashMap<>();
    private boolean initReceived;
    private volatile Viewer viewer;
    private volatile long checkedAt;

    WsConnection(WebSocketSession session, Viewer.Client client) {
        this.session = session;
        this.outbox = WsOutbox.of(session);
        this.client = client;
    }

    /** True the first time only: a second {@code connection_init} closes the connection with 4429. */
    synchronized boolean markInitReceived() {
        if (initReceived) return false;
        initReceived = true;
        return true;
    }

    synchronized boolean initReceived() {
        return initReceived;
    }

    /** @param generation the credentials' generation read before the viewer was resolved */
    void acknowledge(Viewer viewer, long generation) {
        this.viewer = viewer;
        this.checkedAt = generation;
    }

    /** The credentials' generation at which the viewer was last known to hold. */
    long checkedAt() {
        return checkedAt;
    }

    void checked(long generation) {
        this.checkedAt = generation;
    }

    /** The caller once {@code connection_ack} was sent; null before. */
    Viewer viewer() {
        return viewer;
    }

    void send(String text) {
        if (session.isOpen()) outbox.text(text);
    }

    void close(CloseReason reason) {
        cancelAll();
        if (session.isOpen()) outbox.close(reason); // after what was sent before it
    }

    void cancelAll() {
        operations.values().forEach(Disposable::dispose);
        operations.clear();
    }
}
