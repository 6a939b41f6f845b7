package dev.berth.api;

import io.micronaut.http.netty.websocket.NettyWebSocketSession;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.internal.PlatformDependent;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;

/**
 * One graphql-ws connection's outgoing messages, written in the order they are handed in (whichever thread hands
 * them in) by the connection's own event loop, and flushed once per batch: a subscriber that fell behind gets its
 * frames in one write, not one system call each. A subscription's payload is written as the group encoded it, between
 * this operation's own prefix and the closing brace (no re-encoding per subscriber); at most {@link #WINDOW} of an
 * operation's frames are handed to the socket and not yet written, the rest wait in the operation's bounded backlog
 * (past it, the subscriber is cut off as too slow). A close goes out after what was handed in before it.
 * <p>
 * Micronaut's session hides its Netty channel; the outbox reads it once per connection through a private lookup
 * (checked when the class loads: every graphql-ws test goes through it).
 */
final class WsOutbox {
    /** Frames of one operation handed to the socket and not yet written: enough to fill a write... */
    static final int WINDOW = 32;
    /** ...and no more than this many bytes of them (one larger frame at a time). */
    static final long WINDOW_BYTES = 256 * 1024;
    /** Messages written per turn on the event loop before it serves its other connections. */
    private static final int TURN = 1024;
    private static final byte[] NEXT_END = "}".getBytes(StandardCharsets.UTF_8);
    private static final MethodHandle CHANNEL = channelGetter();

    /** A frame to write (then {@code written}, if any, once it is on the socket), or a close. */
    private record Pending(Object message, Runnable written) {}

    private final Channel channel;
    /** Sends the close frame and closes (on the event loop, after everything before it was flushed). */
    private final Consumer<CloseReason> closer;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    WsOutbox(Channel channel, Consumer<CloseReason> closer) {
        this.channel = channel;
        this.closer = closer;
    }

    static WsOutbox of(WebSocketSession session) {
        Channel channel;
        try {
            channel = (Channel) CHANNEL.invoke((NettyWebSocketSession) session);
        } catch (Throwable e) {
            throw new IllegalStateException("graphql-ws needs Micronaut's Netty session", e);
        }
        return new WsOutbox(channel, reason -> {
            if (session.isOpen()) session.close(reason);
        });
    }

    /** A protocol message (ack, pong, error, complete). */
    void text(String text) {
        offer(new Pending(new TextWebSocketFrame(text), null));
    }

    /** Closes the connection once what was handed in before is written. */
    void close(CloseReason reason) {
        offer(new Pending(reason, null));
    }

    /**
     * Writes {@code payloads} as {@code next} messages of the operation whose prefix ({@code {"id":...,"type":"next",
     * "payload":}) is given, at most {@link #WINDOW} not yet written; the returned subscription cancels.
     */
    Disposable nexts(Publisher<byte[]> payloads, byte[] prefix, Consumer<Throwable> failed, Runnable completed) {
        var operation = new Operation(prefix, failed, completed);
        payloads.subscribe(operation);
        return operation;
    }

    /** One subscription's frames: asks for one more payload while fewer than the window's are not yet written. */
    private final class Operation extends BaseSubscriber<byte[]> {
        private final byte[] prefix;
        private final Consumer<Throwable> failed;
        private final Runnable completed;
        private int frames;
        private long bytes;
        private boolean demanded;

        Operation(byte[] prefix, Consumer<Throwable> failed, Runnable completed) {
            this.prefix = prefix;
            this.failed = failed;
            this.completed = completed;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            if (demand(0, 0)) subscription.request(1);
        }

        @Override
        protected void hookOnNext(byte[] payload) {
            int size = prefix.length + payload.length + NEXT_END.length;
            // wrapped, not copied: the group's bytes are shared by every member and never written to
            offer(new Pending(new TextWebSocketFrame(Unpooled.wrappedBuffer(prefix, payload, NEXT_END)), () -> {
                if (demand(-1, -size)) request(1);
            }));
            if (demand(1, size)) request(1);
        }

        /** Counts frames handed on (+) or written (-); true when one more may be asked for now. */
        private synchronized boolean demand(int frameChange, long byteChange) {
            if (frameChange > 0) demanded = false; // the one asked for came
            frames += frameChange;
            bytes += byteChange;
            if (demanded || frames >= WINDOW || bytes >= WINDOW_BYTES) return false;
            demanded = true;
            return true;
        }

        @Override
        protected void hookOnError(Throwable error) {
            failed.accept(error);
        }

        @Override
        protected void hookOnComplete() {
            completed.run();
        }
    }

    private void offer(Pending pending) {
        queue.offer(pending);
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) return;
        try {
            channel.eventLoop().execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the server is stopping: its sockets go with it, and what waits with the outbox
        }
    }

    /** On the event loop: writes what waits (a turn's worth), flushes once, and comes back for the rest. */
    private void drain() {
        scheduled.set(false); // before polling: whatever is offered from now on schedules another turn
        boolean unflushed = false;
        int turn = 0;
        for (Pending pending; turn < TURN && (pending = queue.poll()) != null; turn++) {
            if (pending.message() instanceof CloseReason reason) {
                if (unflushed) channel.flush();
                unflushed = false;
                closer.accept(reason);
                continue;
            }
            var promise = channel.newPromise();
            var written = pending.written();
            if (written != null) promise.addListener(f -> {
                if (f.isSuccess()) written.run();
            });
            channel.write((WebSocketFrame) pending.message(), promise);
            unflushed = true;
        }
        if (unflushed) channel.flush();
        if (!queue.isEmpty()) schedule();
    }

    private static MethodHandle channelGetter() {
        try {
            return MethodHandles.privateLookupIn(NettyWebSocketSession.class, MethodHandles.lookup())
                    .findGetter(NettyWebSocketSession.class, "channel", Channel.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
