package dev.berth.identity;

import dev.berth.api.Viewer;
import dev.berth.storage.DatabaseNotifications;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Callers resolved from credentials in the last few seconds, so a request does not look its token up again.
 * Correctness comes first:
 * <ul>
 *   <li>every committed change to tokens, sessions, memberships or users, on any node and by any code path,
 *       clears every node's cache (a trigger notifies {@code berth_credentials}, {@link DatabaseNotifications});</li>
 *   <li>a mutation on this node clears it too as soon as it commits ({@link #clear} from the API layer), so the
 *       next request of the same client never sees the state before its own change;</li>
 *   <li>nothing is cached while the notification connection is down, and a lookup that raced a clear is not
 *       stored (generations);</li>
 *   <li>an entry lives at most {@code ttl} and never past its credential's own expiry.</li>
 * </ul>
 */
@Singleton
final class ViewerCache {
    static final String CHANNEL = "berth_credentials";
    private static final int MAX_ENTRIES = 10_000;

    /** A PAT by the hash of its secret, or a session in a chosen team (null team: the default one). */
    record Key(String credential, @Nullable String team) {}

    private record Entry(Viewer viewer, Instant until) {}

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final DatabaseNotifications notifications;
    private final Duration ttl;

    ViewerCache(DatabaseNotifications notifications, IdentityProperties properties) {
        this.notifications = notifications;
        this.ttl = properties.viewerCacheTtl();
        notifications.subscribe(CHANNEL, new DatabaseNotifications.Listener() {
            @Override
            public void notified(String payload) {
                clear();
            }

            @Override
            public void gap() {
                clear();
            }
        });
    }

    /** The generation to hand back to {@link #put}: read it before looking the credential up. */
    long generation() {
        return generation.get();
    }

    Optional<Viewer> get(Key key, Instant now) {
        var entry = entries.get(key);
        if (entry == null) return Optional.empty();
        if (!entry.until().isAfter(now)) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.viewer());
    }

    /**
     * Keeps a caller looked up at {@code generation}, valid until the earlier of the credential's own expiry and the
     * time to live; dropped when anything was cleared since the lookup began.
     */
    void put(Key key, Viewer viewer, @Nullable Instant credentialExpires, long generation, Instant now) {
        if (ttl.isZero() || !notifications.listening()) return;
        var until = now.plus(ttl);
        if (credentialExpires != null && credentialExpires.isBefore(until)) until = credentialExpires;
        if (entries.size() >= MAX_ENTRIES) entries.clear();
        entries.put(key, new Entry(viewer, until));
        if (this.generation.get() != generation) entries.remove(key);
    }

    /** Forgets every caller (credentials changed somewhere). */
    void clear() {
        generation.incrementAndGet();
        entries.clear();
    }
}
