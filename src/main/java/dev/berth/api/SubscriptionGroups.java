package dev.berth.api;

import io.micronaut.core.annotation.Nullable;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Subscriptions that would compute the same frames share one execution: same document, operation, variables and
 * credential (hence the same visibility). Each event is executed by graphql-java and serialised once per group; every
 * member gets the same bytes and adds only its own operation id. A group's stream starts with its first member and
 * stops (releasing its Dragonfly channel) with its last; a group whose stream ended is forgotten, so the next
 * subscriber starts a fresh one. Each member still runs the subscription's root field itself when it subscribes
 * (access rules, arguments, NOT_FOUND): only the per-event work is shared. Subscriptions whose stream starts with a
 * part of each subscriber's own ({@code @replays} in the schema: stored log lines, a current state) are never grouped:
 * a member joining late would get another member's stream from its middle.
 */
final class SubscriptionGroups {
    /** What makes two subscriptions compute the same frames. */
    record Key(String query, @Nullable String operationName, Map<String, Object> variables, Viewer credential) {}

    private final class Group {
        private final Key key;
        private final Flux<String> frames;
        private Disposable upstream;
        private int members;

        Group(Key key, Flux<String> source) {
            this.key = key;
            this.frames = source
                    .doFinally(signal -> forget(this))
                    .publish()
                    .autoConnect(1, connection -> upstream = connection);
        }
    }

    private final Map<Key, Group> groups = new HashMap<>();

    /**
     * The serialised payloads of {@code key}'s group, joining it or starting it with {@code source} (called only
     * when this subscriber starts the group). The subscriber leaves the group when it cancels or the stream ends.
     */
    Flux<String> join(Key key, Supplier<Flux<String>> source) {
        return Flux.defer(() -> {
            Group group;
            synchronized (this) {
                group = groups.get(key);
                if (group == null) { // a group whose stream ended or lost its last member is no longer in the map
                    group = new Group(key, source.get());
                    groups.put(key, group);
                }
                group.members++;
            }
            var joined = group;
            return joined.frames.doFinally(signal -> leave(joined));
        });
    }

    private void leave(Group group) {
        Disposable stop = null;
        synchronized (this) {
            if (--group.members > 0) return;
            groups.remove(group.key, group);
            stop = group.upstream;
        }
        if (stop != null) stop.dispose();
    }

    private synchronized void forget(Group group) {
        groups.remove(group.key, group);
    }
}
