package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.websocket.CloseReason;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The outbox over a real Netty channel pair (in-process transport, real event loops and threads): what any number
 * of threads hand in goes out in that order, a close after it; an operation has at most its window of frames, in
 * count and in bytes, handed to a socket that does not take them; a frame is the operation's prefix, the group's
 * bytes untouched, and a brace.
 */
class WsOutboxTest {
    private DefaultEventLoopGroup loops;
    private Channel server;
    /** What reached the other end, in order (texts; "CLOSE <code>" for a close). */
    private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    /** Writes a stuck socket holds: their promises complete only when the test says so. */
    private final List<ChannelPromise> held = new CopyOnWriteArrayList<>();
    private volatile boolean stuck;

    @BeforeEach
    void channels() throws Exception {
        loops = new DefaultEventLoopGroup(2);
        var address = new LocalAddress("outbox-" + System.nanoTime());
        server = new ServerBootstrap().group(loops).channel(LocalServerChannel.class).childHandler(new ChannelInitializer<LocalChannel>() {
            @Override
            protected void initChannel(LocalChannel channel) {
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object message) {
                        received.add(message instanceof TextWebSocketFrame frame ? frame.text() : String.valueOf(message));
                        io.netty.util.ReferenceCountUtil.release(message);
                    }
                });
            }
        }).bind(address).sync().channel();
        client = new Bootstrap().group(loops).channel(LocalChannel.class).handler(new ChannelInitializer<LocalChannel>() {
            @Override
            protected void initChannel(LocalChannel channel) {
                channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
                        if (!stuck) {
                            ctx.write(message, promise);
                            return;
                        }
                        held.add(promise); // a socket whose peer does not read: nothing is written
                        io.netty.util.ReferenceCountUtil.release(message);
                    }
                });
            }
        }).connect(address).sync().channel();
    }

    private Channel client;

    @AfterEach
    void close() throws Exception {
        client.close().sync();
        server.close().sync();
        loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    private WsOutbox outbox() {
        return new WsOutbox(client, reason -> client.writeAndFlush(new TextWebSocketFrame("CLOSE " + reason.getCode())));
    }

    @Test
    void whatThreadsHandInGoesOutInThatOrderAndTheCloseLast() throws Exception {
        var outbox = outbox();
        var next = new AtomicInteger();
        int perThread = 5_000;
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    synchronized (next) { // one order across the threads: the order they hand in
                        outbox.text(Integer.toString(next.getAndIncrement()));
                    }
                }
            }));
        }
        for (var thread : threads) thread.join();
        outbox.close(new CloseReason(1013, "slow"));
        outbox.text("after the close");
        await(() -> received.size() == 4 * perThread + 2);

        var expected = new ArrayList<String>();
        for (int i = 0; i < 4 * perThread; i++) expected.add(Integer.toString(i));
        expected.add("CLOSE 1013");
        expected.add("after the close"); // handed in after it: never before it
        assertThat(List.copyOf(received)).isEqualTo(expected);
    }

    @Test
    void aFrameIsThePrefixTheGroupsBytesUntouchedAndABrace() throws Exception {
        var payload = "{\"data\":{\"line\":\"é ✓\"}}".getBytes(StandardCharsets.UTF_8);
        var copy = payload.clone();
        var completed = new AtomicInteger();
        var outbox = outbox();
        outbox.nexts(Flux.just(payload, payload), "{\"id\":\"a\",\"type\":\"next\",\"payload\":".getBytes(StandardCharsets.UTF_8),
                error -> { }, completed::incrementAndGet);
        await(() -> received.size() == 2 && completed.get() == 1);
        assertThat(received).containsExactly(
                "{\"id\":\"a\",\"type\":\"next\",\"payload\":{\"data\":{\"line\":\"é ✓\"}}}",
                "{\"id\":\"a\",\"type\":\"next\",\"payload\":{\"data\":{\"line\":\"é ✓\"}}}");
        assertThat(payload).isEqualTo(copy);
    }

    @Test
    void aSocketThatTakesNothingHoldsAtMostTheWindowInFrames() throws Exception {
        stuck = true;
        var asked = new AtomicInteger();
        var outbox = outbox();
        outbox.nexts(Flux.range(0, 1_000).doOnRequest(n -> asked.addAndGet((int) n)).map(i -> new byte[] {'1'})
                        .subscribeOn(Schedulers.boundedElastic(), false),
                "[".getBytes(StandardCharsets.UTF_8), error -> { }, () -> { });
        await(() -> held.size() == WsOutbox.WINDOW);
        Thread.sleep(200); // nothing more comes while the socket takes nothing
        assertThat(held).hasSize(WsOutbox.WINDOW);
        assertThat(asked.get()).as("asked of the stream").isEqualTo(WsOutbox.WINDOW);

        // the socket takes ten: ten more are handed to it, no more
        var taken = List.copyOf(held).subList(0, 10);
        client.eventLoop().submit(() -> taken.forEach(ChannelPromise::setSuccess)).sync();
        await(() -> held.size() == WsOutbox.WINDOW + 10);
        Thread.sleep(200);
        assertThat(held).hasSize(WsOutbox.WINDOW + 10);
    }

    @Test
    void aSocketThatTakesNothingHoldsAtMostTheWindowInBytes() throws Exception {
        stuck = true;
        var outbox = outbox();
        var large = new byte[100 * 1024];
        outbox.nexts(Flux.range(0, 100).map(i -> large), "[".getBytes(StandardCharsets.UTF_8), error -> { }, () -> { });
        await(() -> held.size() == 3); // 300 KB: the third crossed 256 KB
        Thread.sleep(200);
        assertThat(held).hasSize(3);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(condition.getAsBoolean()).as("reached within 20 s").isTrue();
    }
}
