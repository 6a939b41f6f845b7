package dev.berth.api;

import dev.berth.events.Held;
import io.micronaut.core.annotation.Nullable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Subscriptions that would compute the same frames share one execution: same document, operation, variables and
 * credential (hence the same visibility). Each event is executed by graphql-java and serialised once per group; every
 * member gets the same bytes and adds only its own operation id. A group's stream starts with its first member and
 * stops (releasing its Dragonfly channel) with its last; a group whose stream ended is forgotten, so the next
 * subscriber starts a fresh one. Each member still runs the subscription's root field itself when it subscribes
 * (access rules, arguments, NOT_FOUND): only the per-event work is shared. Subscriptions whose stream starts with a
 * part of each subscriber's own ({@code @replays} in the schema: stored log lines, a current state) are grouped only
 * when their events have positions ({@link #joinReplaying}): a member joining late replays its own start, then
 * switches to the group's frames where they meet; without positions, they are never grouped.
 */
final class SubscriptionGroups {
    /** What makes two subscriptions compute the same frames. */
    record Key(String query, @Nullable String operationName, Map<String, Object> variables, Viewer credential) {}

    /** A serialised payload (UTF-8 JSON, shared by every member: never modified) and the position of its event. */
    record Frame(long position, byte[] payload) {}

    private static final long NOTHING = Long.MIN_VALUE;

    private final class Group {
        private final Key key;
        private final Flux<byte[]> frames;
        private Disposable upstream;
        private int members;

        Group(Key key, Flux<byte[]> source) {
            this.key = key;
            this.frames = source
                    .doFinally(signal -> forget(this))
                    .publish()
                    .autoConnect(1, connection -> upstream = connection);
        }
    }

    /**
     * A group of a replaying subscription. Its stream is its first member's own, handed on through a multicast sink
     * by one thread at a time: an emission sets {@code reached}, then reads the current members, so a member added
     * before it read {@code reached} gets every later frame (Reactor's {@code publish()} can hand a frame to a member
     * list read before a join, which would lose that frame for the joiner).
     */
    private final class Replaying {
        private final Key key;
        private final Sinks.Many<Frame> frames = Sinks.many().multicast().directBestEffort();
        /** The last position handed on ({@link #NOTHING} before the first). */
        private final AtomicLong reached = new AtomicLong(NOTHING);
        /** Set before the end (or the stop) of the group's stream is handed on. */
        private volatile boolean ended;
        private Disposable upstream;
        private int members;

        Replaying(Key key) {
            this.key = key;
        }

        /** Starts the group's stream (by its first member, once it holds the frames). */
        Disposable start(Flux<Frame> source) {
            return source.subscribe(frame -> {
                reached.set(frame.position());
                frames.emitNext(frame, Sinks.EmitFailureHandler.busyLooping(java.time.Duration.ofSeconds(1)));
            }, error -> {
                ended = true;
                forget(this);
                frames.tryEmitError(error);
            }, () -> {
                ended = true;
                forget(this);
                frames.tryEmitComplete();
            });
        }

        void stop(Disposable upstream) {
            ended = true;
            upstream.dispose();
            frames.tryEmitComplete();
        }
    }

    private final Map<Key, Group> groups = new HashMap<>();
    private final Map<Key, Replaying> replaying = new HashMap<>();

    /**
     * The serialised payloads of {@code key}'s group, joining it or starting it with {@code source} (called only
     * when this subscriber starts the group). The subscriber leaves the group when it cancels or the stream ends.
     */
    Flux<byte[]> join(Key key, Supplier<Flux<byte[]>> source) {
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

    /**
     * The payloads of a replaying subscription whose events have positions that increase by one ({@code own}: this
     * subscriber's own stream, its start included). The first subscriber's own stream becomes the group's. Every
     * member holds the group's frames from the moment it joins (at most {@code capacity} frames and {@code maxBytes}
     * bytes, past which it ends with {@code tooSlow} and its client resumes). A member joining after the group began
     * reads its own stream until that reaches the position the group had when it joined, then cancels it and goes
     * on with the held frames after the last position it delivered: every position once and in order, and one
     * execution per event for all but the members still catching up. Like subscribers have the same variables,
     * hence the same start.
     */
    Flux<byte[]> joinReplaying(Key key, Supplier<Flux<Frame>> own, int capacity, long maxBytes, Supplier<? extends Throwable> tooSlow) {
        return Flux.defer(() -> {
            Replaying group;
            boolean first = false;
            synchronized (this) {
                group = replaying.get(key);
                if (group == null) { // a group whose stream ended or lost its last member is no longer in the map
                    group = new Replaying(key);
                    replaying.put(key, group);
                    first = true;
                }
                group.members++;
            }
            try {
                return follow(group, first, own, capacity, maxBytes, tooSlow);
            } catch (RuntimeException | Error e) {
                leave(group);
                throw e;
            }
        });
    }

    private Flux<byte[]> follow(Replaying group, boolean first, Supplier<Flux<Frame>> own, int capacity, long maxBytes,
                                Supplier<? extends Throwable> tooSlow) {
        // held before the group's position is read: every frame after that position is in it. Held past its bounds
        // while this member still replays its own start, it stays on its own stream instead of being cut off.
        var overflowed = new AtomicBoolean();
        var held = Held.from(group.frames.asFlux(), capacity, maxBytes, frame -> frame.payload().length, () -> {
            overflowed.set(true);
            return tooSlow.get();
        });
        long joinedAt = group.reached.get();
        if (group.ended) { // the group's stream ended before this member held it: it hands on nothing more
            held.connection().dispose();
            return own.get().map(Frame::payload).doFinally(signal -> leave(group));
        }
        if (first) {
            var upstream = group.start(own.get());
            synchronized (this) {
                group.upstream = upstream;
            }
        }
        Flux<Frame> frames;
        if (joinedAt == NOTHING) {
            frames = held.flux(); // the group has not begun: its stream, from the same start, is this one's
        } else {
            var delivered = new AtomicLong(NOTHING);
            var caughtUp = new AtomicBoolean();
            frames = own.get()
                    .takeUntil(frame -> {
                        delivered.set(frame.position());
                        if (frame.position() >= joinedAt && !overflowed.get()) caughtUp.set(true);
                        return caughtUp.get();
                    })
                    .doOnComplete(() -> {
                        if (!caughtUp.get()) held.connection().dispose(); // its own stream ended (the log did)
                    })
                    .concatWith(Flux.defer(() -> caughtUp.get()
                            ? held.flux().filter(frame -> frame.position() > delivered.get())
                            : Flux.empty()));
        }
        return frames.map(Frame::payload).doFinally(signal -> {
            held.connection().dispose();
            leave(group);
        });
    }

    private void leave(Replaying group) {
        Disposable stop;
        synchronized (this) {
            if (--group.members > 0) return;
            replaying.remove(group.key, group);
            stop = group.upstream;
        }
        if (stop != null) group.stop(stop);
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

    private synchronized void forget(Replaying group) {
        replaying.remove(group.key, group);
    }
}
