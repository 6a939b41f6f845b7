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
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        return new WsOutbox(client, reason -> client.writeAndFlush(new TextWebSocketFrame("CLOSE " + reason.getCode())),
                new CloseReason(1013, "too slow"), Duration.ofMillis(300));
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
        outbox.nexts(Flux.just(new byte[] {'1'}), "[".getBytes(StandardCharsets.UTF_8), error -> { }, () -> { });
        outbox.close(new CloseReason(1000, "a second close"));
        await(() -> received.size() == 4 * perThread + 1);
        await(() -> !client.isOpen()); // the closer here leaves the channel open: the grace period closes it

        var expected = new ArrayList<String>();
        for (int i = 0; i < 4 * perThread; i++) expected.add(Integer.toString(i));
        expected.add("CLOSE 1013"); // then nothing: what came after the close is never written
        assertThat(List.copyOf(received)).isEqualTo(expected);
    }

    @Test
    void aFrameIsThePrefixTheGroupsBytesUntouchedAndABraceThroughTheRealEncodersAndDeflate() throws Exception {
        var payload = "{\"data\":{\"line\":\"é ✓ the same line, the same line, the same line\"}}".getBytes(StandardCharsets.UTF_8);
        var copy = payload.clone();
        var deflate = new PerMessageDeflateServerExtensionHandshaker().handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()));
        var serverSide = new EmbeddedChannel(new WebSocket08FrameEncoder(false), deflate.newExtensionEncoder());
        var clientSide = new EmbeddedChannel(new WebSocket08FrameDecoder(false, true, 1 << 20),
                new PerMessageDeflateClientExtensionHandshaker().handshakeExtension(deflate.newReponseData()).newExtensionDecoder());
        var completed = new AtomicInteger();
        var outbox = new WsOutbox(serverSide, reason -> { }, new CloseReason(1013, "too slow"), Duration.ofSeconds(1));
        outbox.nexts(Flux.just(payload, payload), "{\"id\":\"a\",\"type\":\"next\",\"payload\":".getBytes(StandardCharsets.UTF_8),
                error -> { }, completed::incrementAndGet);
        for (int i = 0; i < 10; i++) serverSide.runPendingTasks();
        for (Object bytes; (bytes = serverSide.readOutbound()) != null; ) clientSide.writeInbound(bytes);
        var texts = new ArrayList<String>();
        for (Object frame; (frame = clientSide.readInbound()) != null; ) {
            texts.add(((TextWebSocketFrame) frame).text());
            io.netty.util.ReferenceCountUtil.release(frame);
        }
        var expected = "{\"id\":\"a\",\"type\":\"next\",\"payload\":" + new String(copy, StandardCharsets.UTF_8) + "}";
        assertThat(texts).containsExactly(expected, expected);
        assertThat(completed).hasValue(1);
        assertThat(payload).as("the group's bytes, shared by every member").isEqualTo(copy);
    }

    @Test
    void aConnectionWhosePeerReadsNothingHoldsBoundedBytesAcrossItsOperationsAndItsProtocolMessagesCloseIt() throws Exception {
        var nio = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            var reader = new ServerBootstrap().group(nio).channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                    .childOption(io.netty.channel.ChannelOption.AUTO_READ, false) // takes nothing: TCP fills, then Netty's buffer
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind("127.0.0.1", 0).sync().channel();
            var socket = new Bootstrap().group(nio).channel(io.netty.channel.socket.nio.NioSocketChannel.class)
                    .handler(new io.netty.handler.codec.MessageToByteEncoder<TextWebSocketFrame>() {
                        @Override
                        protected void encode(ChannelHandlerContext ctx, TextWebSocketFrame frame, io.netty.buffer.ByteBuf out) {
                            out.writeBytes(frame.content(), frame.content().readerIndex(), frame.content().readableBytes());
                        }
                    })
                    .connect(reader.localAddress()).sync().channel();
            var closes = new CopyOnWriteArrayList<Integer>();
            var outbox = new WsOutbox(socket, reason -> closes.add(reason.getCode()), new CloseReason(1013, "too slow"), Duration.ofSeconds(30));
            var payload = new byte[10 * 1024];
            int operations = 50;
            for (int i = 0; i < operations; i++) {
                outbox.nexts(Flux.<byte[]>generate(sink -> sink.next(payload)).subscribeOn(Schedulers.boundedElastic(), false),
                        "[".getBytes(StandardCharsets.UTF_8), error -> { }, () -> { });
            }
            Thread.sleep(1_500); // the kernel's buffers are full, then Netty's
            long pending = socket.eventLoop().submit(() -> socket.unsafe().outboundBuffer().totalPendingWriteBytes()).get();
            assertThat(pending).as("bytes waiting in Netty for a peer that reads nothing").isPositive()
                    // the water mark plus at most a frame per operation; each operation's own window would be 12.8 MB
                    .isLessThan(64 * 1024 + operations * (payload.length + 2) + 64 * 1024);

            // answers to a peer that keeps asking but reads nothing close it once a megabyte waits
            var answer = "x".repeat(16 * 1024);
            for (int i = 0; i < 200 && closes.isEmpty(); i++) {
                outbox.text(answer);
                Thread.sleep(2);
            }
            await(() -> !closes.isEmpty());
            assertThat(closes).containsExactly(1013);
            reader.close().sync();
        } finally {
            nio.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
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
