package dev.berth.api;

import io.micronaut.http.netty.websocket.NettyWebSocketSession;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;

/**
 * One graphql-ws connection's outgoing messages, written in the order they are handed in (whichever thread hands
 * them in) by the connection's own event loop, and flushed once per batch: a subscriber that fell behind gets its
 * frames in one write, not one system call each. A subscription's payload is written as the group encoded it, between
 * this operation's own prefix and the closing brace (no re-encoding per subscriber).
 * <p>
 * Bounded: an operation has at most {@link #WINDOW} frames and {@link #WINDOW_BYTES} handed to the socket and not yet
 * written, and none more while the connection's socket is not writable (Netty's write-buffer water marks, across all
 * its operations); the rest wait in the operation's bounded backlog, past which the subscriber is cut off as too slow.
 * Protocol messages (pongs, errors) on a connection that has more than {@link #MAX_PENDING_BYTES} waiting close it as
 * too slow. A close goes out after what was handed in before it; nothing handed in after it is written, and a peer
 * that does not take the close frame within {@code closeGrace} is disconnected.
 * <p>
 * Micronaut's session hides its Netty channel; the outbox reads it once per connection through a private lookup
 * (checked when the class loads: every graphql-ws test goes through it).
 */
final class WsOutbox {
    /** Frames of one operation handed to the socket and not yet written: enough to fill a write... */
    static final int WINDOW = 32;
    /** ...and no more than this many bytes of them (one larger frame at a time). */
    static final long WINDOW_BYTES = 256 * 1024;
    /** Bytes handed in and not yet passed to the socket past which no operation of the connection gets more. */
    static final long QUEUED_BYTES = 64 * 1024;
    /** Bytes waiting for a connection's socket past which a protocol message closes it instead. */
    static final long MAX_PENDING_BYTES = 1024 * 1024;
    /** Messages written per turn on the event loop before it serves its other connections. */
    private static final int TURN = 1024;
    private static final byte[] NEXT_END = "}".getBytes(StandardCharsets.UTF_8);
    private static final MethodHandle CHANNEL = channelGetter();

    /** A frame of {@code size} bytes to write (then {@code written} is told whether it was), or a close. */
    private record Pending(Object message, long size, Consumer<Throwable> written) {}

    private final Channel channel;
    /** Sends the close frame and closes (on the event loop, after everything before it was flushed). */
    private final Consumer<CloseReason> closer;
    private final CloseReason tooSlow;
    private final Duration closeGrace;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Set<Operation> operations = ConcurrentHashMap.newKeySet();
    /** Set once a close was handed in: nothing after it is written. */
    private volatile boolean closing;
    /** Bytes in the queue, not yet handed to the socket. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Set when an operation was refused more for the connection's sake: the next room resumes them. */
    private volatile boolean starved;

    WsOutbox(Channel channel, Consumer<CloseReason> closer, CloseReason tooSlow, Duration closeGrace) {
        this.channel = channel;
        this.closer = closer;
        this.tooSlow = tooSlow;
        this.closeGrace = closeGrace;
        channel.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) resumeStarved();
                ctx.fireChannelWritabilityChanged();
            }
        });
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
        }, WsConnection.TOO_SLOW, Duration.ofSeconds(5));
    }

    /** A protocol message (ack, pong, error, complete). */
    void text(String text) {
        if (closing) return;
        if (queuedBytes.get() + (channel.isWritable() ? 0 : channel.bytesBeforeWritable()) > MAX_PENDING_BYTES) {
            close(tooSlow); // a peer that sends but does not read: its answers would pile up
            return;
        }
        var frame = new TextWebSocketFrame(text);
        offer(new Pending(frame, frame.content().readableBytes(), null));
    }

    /** Closes the connection once what was handed in before is written (the first close only). */
    void close(CloseReason reason) {
        if (closing) return;
        closing = true;
        offer(new Pending(reason, 0, null));
    }

    /**
     * Writes {@code payloads} as {@code next} messages of the operation whose prefix ({@code {"id":...,"type":"next",
     * "payload":}) is given; the returned subscription cancels. {@code failed} and {@code completed} may run on the
     * connection's event loop: they must not block.
     */
    Disposable nexts(Publisher<byte[]> payloads, byte[] prefix, Consumer<Throwable> failed, Runnable completed) {
        var operation = new Operation(prefix, failed, completed);
        operations.add(operation);
        payloads.subscribe(operation);
        return operation;
    }

    /** One subscription's frames: asks for one more payload while its window has room and the socket takes writes. */
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
            if (closing || isDisposed()) return;
            int size = prefix.length + payload.length + NEXT_END.length;
            // wrapped, not copied: the group's bytes are shared by every member and never written to
            offer(new Pending(new TextWebSocketFrame(Unpooled.wrappedBuffer(prefix, payload, NEXT_END)), size, error -> {
                if (error == null) {
                    if (demand(-1, -size)) request(1);
                } else if (channel.isOpen()) { // a frame the pipeline refused: the operation ends with it
                    dispose();
                    failed.accept(error);
                }
            }));
            if (demand(1, size)) request(1);
        }

        /** The socket takes writes again. */
        void resume() {
            if (demand(0, 0)) request(1);
        }

        /** Counts frames handed on (+) or written (-); true when one more may be asked for now. */
        private synchronized boolean demand(int frameChange, long byteChange) {
            if (frameChange > 0) demanded = false; // the one asked for came
            frames += frameChange;
            bytes += byteChange;
            if (demanded || frames >= WINDOW || bytes >= WINDOW_BYTES || !connectionHasRoom()) return false;
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

        @Override
        protected void hookFinally(reactor.core.publisher.SignalType type) {
            operations.remove(this);
        }
    }

    /** Whether the socket takes writes and little waits for it; when not, the next room resumes the operations. */
    private boolean connectionHasRoom() {
        if (room()) return true;
        starved = true; // announced before looking again: a drain that made room meanwhile sees it
        return room();
    }

    private boolean room() {
        return channel.isWritable() && queuedBytes.get() < QUEUED_BYTES;
    }

    private void resumeStarved() {
        if (!starved || !room()) return;
        starved = false;
        operations.forEach(Operation::resume);
    }

    private void offer(Pending pending) {
        queuedBytes.addAndGet(pending.size());
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
                // a peer that does not take the close frame (it reads nothing) is let go of anyway
                channel.eventLoop().schedule(() -> channel.close(), closeGrace.toMillis(), TimeUnit.MILLISECONDS);
                drop();
                return;
            }
            var promise = channel.newPromise();
            var written = pending.written();
            if (written != null) promise.addListener(f -> written.accept(f.cause()));
            channel.write(pending.message(), promise);
            queuedBytes.addAndGet(-pending.size());
            unflushed = true;
        }
        if (unflushed) channel.flush();
        if (!queue.isEmpty()) schedule();
        resumeStarved();
    }

    /** After the close: what was handed in later is released unwritten, and stays so. */
    private void drop() {
        scheduled.set(true); // never scheduled again
        for (Pending pending; (pending = queue.poll()) != null; ) ReferenceCountUtil.release(pending.message());
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
