package dev.berth.api;

import io.micronaut.core.annotation.Nullable;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.zip.GZIPOutputStream;

/**
 * The thin {@code /graphql} route: one Netty handler per HTTP/1.1 connection, in front of Micronaut's. It gathers a
 * GraphQL request's body on the event loop, answers it on one worker thread through {@link GraphQLExchange} (parse,
 * validate, execute, serialise), and writes the answer once. Every other request, and the few GraphQL requests it
 * leaves to Micronaut's router (see {@link #ours}), passes through untouched.
 *
 * <p>Order on the connection is kept: a GraphQL request is only taken when Micronaut owes no answer on it, and
 * while an answer is being made nothing more is read (reads and anything already decoded wait, a close waits too).
 */
final class GraphQLRoute extends ChannelDuplexHandler {
    static final String NAME = "berth-graphql";
    private static final int GZIP_FROM_BYTES = 1024;

    /**
     * What each connection's route shares: the exchange (built on a worker at the first request if the warm-up has not
     * built it yet, never on the event loop), the few fast workers every request starts on, the blocking pool slow
     * work moves to, the limits, the in-flight count.
     */
    record Shared(java.util.function.Supplier<GraphQLExchange> exchange, Executor workers, Executor slowWorkers,
                  long maxBodyBytes, boolean corsEnabled, GraphQLRouteInFlight inFlight) {}

    private enum Mode { IDLE, OURS, THEIRS, DISCARD }

    private final Shared shared;
    private Mode mode = Mode.IDLE;
    private @Nullable HttpRequest request;
    private @Nullable ByteBuf body;
    private long discarded;
    private boolean answering;
    /** The connection is ending (a close asked for, or a last answer written): no request is taken any more. */
    private boolean closing;
    private int owedByMicronaut;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean readWanted;
    private @Nullable ChannelPromise closeWanted;

    GraphQLRoute(Shared shared) {
        this.shared = shared;
    }

    /**
     * Nothing more is taken while an answer is being made or while the client does not read what was written (the
     * outbound buffer over its high-water mark): a client that pipelines requests and never reads holds one answer.
     */
    private boolean busy(ChannelHandlerContext ctx) {
        return answering || !ctx.channel().isWritable();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            drop(ctx, msg);
            return;
        }
        if (busy(ctx)) {
            held.add(msg);
            return;
        }
        dispatch(ctx, msg);
    }

    /** Input after the route decided to close: released; the end of a body being discarded closes. */
    private void drop(ChannelHandlerContext ctx, Object msg) {
        if (mode == Mode.DISCARD && msg instanceof HttpContent content) {
            discarded += content.content().readableBytes();
            if (msg instanceof LastHttpContent || discarded > 4 * shared.maxBodyBytes()) {
                mode = Mode.IDLE;
                ctx.close();
            }
        }
        ReferenceCountUtil.release(msg);
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest && closeWanted != null) {
            ReferenceCountUtil.release(msg); // a close is waiting for the request before this one: nothing new starts
            return;
        }
        if (msg instanceof HttpRequest next) {
            if (owedByMicronaut == 0 && ours(next)) {
                mode = Mode.OURS;
                request = next;
                long length = HttpUtil.getContentLength(next, -1L);
                if (length > shared.maxBodyBytes()) {
                    refuse(ctx, GraphQLExchange.tooLarge(shared.maxBodyBytes()), !(msg instanceof LastHttpContent));
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (length > 0) body = ctx.alloc().buffer((int) length, (int) length);
            } else {
                mode = Mode.THEIRS;
                owedByMicronaut++;
                ctx.fireChannelRead(msg);
                return;
            }
        }
        if (msg instanceof HttpContent content && mode == Mode.OURS) {
            try {
                if (content.decoderResult().isFailure()) {
                    refuse(ctx, GraphQLExchange.badRequest("The request could not be decoded."), false);
                } else if (gather(ctx, content.content())) {
                    if (content instanceof LastHttpContent) answer(ctx);
                } else {
                    refuse(ctx, GraphQLExchange.tooLarge(shared.maxBodyBytes()), !(content instanceof LastHttpContent));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (msg instanceof HttpRequest) return; // ours, its body follows
        ctx.fireChannelRead(msg);
    }

    /** Whether this route answers the request; the rest is Micronaut's (its controller answers /graphql alike). */
    private boolean ours(HttpRequest next) {
        if (next.decoderResult().isFailure()) return false;
        var method = next.method();
        if (method != HttpMethod.POST && method != HttpMethod.GET) return false;
        var uri = next.uri();
        int query = uri.indexOf('?');
        if (!(query < 0 ? uri : uri.substring(0, query)).equals("/graphql")) return false;
        var headers = next.headers();
        if (headers.contains(HttpHeaderNames.EXPECT) || headers.contains(HttpHeaderNames.UPGRADE)) return false;
        for (var encoding : headers.getAll(HttpHeaderNames.CONTENT_ENCODING)) {
            if (!encoding.trim().equalsIgnoreCase("identity")) return false;
        }
        for (var coding : headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
            if (!coding.trim().equalsIgnoreCase("chunked")) return false;
        }
        return !(shared.corsEnabled() && headers.contains(HttpHeaderNames.ORIGIN));
    }

    /** Appends to the one body buffer (sized from Content-Length, else growing by doubling); false past the limit. */
    private boolean gather(ChannelHandlerContext ctx, ByteBuf bytes) {
        if (!bytes.isReadable()) return true;
        long size = (body == null ? 0 : body.readableBytes()) + (long) bytes.readableBytes();
        if (size > shared.maxBodyBytes()) return false;
        if (body == null) body = ctx.alloc().buffer(Math.max(256, bytes.readableBytes()), (int) shared.maxBodyBytes());
        else if (body.maxCapacity() < size) return false; // longer than its Content-Length said: the decoder allows none
        body.writeBytes(bytes);
        return true;
    }

    /**
     * A request refused before it runs (too large, undecodable): answered at once and the connection closed after it;
     * what is left of its body is read and dropped first (bounded), so the client sees the answer, not a reset.
     */
    private void refuse(ChannelHandlerContext ctx, GraphQLExchange.Answer refusal, boolean bodyFollows) {
        releaseBody();
        var refused = request;
        request = null;
        mode = bodyFollows ? Mode.DISCARD : Mode.IDLE;
        discarded = 0;
        answering = true;
        shared.inFlight().started();
        write(ctx, refused, refusal, null, true, bodyFollows);
    }

    private void answer(ChannelHandlerContext ctx) {
        var asked = request;
        byte[] bytes = body == null ? new byte[0] : ByteBufUtil.getBytes(body);
        releaseBody();
        mode = Mode.IDLE;
        request = null;
        answering = true;
        shared.inFlight().started();
        var headers = asked.headers();
        var ask = new GraphQLExchange.Ask(headers.get(HttpHeaderNames.ACCEPT), headers.get(HttpHeaderNames.CONTENT_TYPE),
                headers.get(HttpHeaderNames.AUTHORIZATION), headers.get("X-Berth-Team"),
                new Viewer.Client(address(ctx), headers.get(HttpHeaderNames.USER_AGENT)));
        boolean post = asked.method() == HttpMethod.POST;
        boolean gzip = acceptsGzip(headers.get(HttpHeaderNames.ACCEPT_ENCODING));
        try {
            shared.workers().execute(() -> {
                try {
                    var exchange = shared.exchange().get();
                    var outcome = post ? exchange.post(ask, bytes) : get(exchange, ask, asked.uri());
                    switch (outcome) {
                        case GraphQLExchange.Answer answer -> finish(ctx, asked, answer, gzip);
                        case GraphQLExchange.Slow slow -> shared.slowWorkers().execute(() -> {
                            try {
                                finish(ctx, asked, slow.rest().get(), gzip);
                            } catch (Throwable failure) {
                                finish(ctx, asked, GraphQLExchange.failed(failure), false);
                            }
                        });
                    }
                } catch (Throwable failure) {
                    finish(ctx, asked, GraphQLExchange.failed(failure), false);
                }
            });
        } catch (RuntimeException rejected) {
            write(ctx, asked, GraphQLExchange.failed(rejected), null, false, false);
        }
    }

    private static GraphQLExchange.Outcome get(GraphQLExchange exchange, GraphQLExchange.Ask ask, String uri) {
        java.util.function.Function<String, String> parameters;
        try {
            parameters = parameters(uri);
        } catch (IllegalArgumentException malformed) {
            return GraphQLExchange.badRequest("The query string is not valid.");
        }
        return exchange.get(ask, parameters);
    }

    /** On a worker: compresses if asked, then hands the answer to the event loop. Never throws. */
    private void finish(ChannelHandlerContext ctx, HttpRequest asked, GraphQLExchange.Answer answer, boolean gzip) {
        byte[] compressed = null;
        try {
            if (gzip && answer.body().length >= GZIP_FROM_BYTES) compressed = gzip(answer.body());
        } catch (RuntimeException | OutOfMemoryError e) {
            compressed = null; // sent plain
        }
        var zipped = compressed;
        try {
            ctx.executor().execute(() -> write(ctx, asked, answer, zipped, false, false));
        } catch (RuntimeException loopGone) {
            shared.inFlight().finished();
        }
    }

    /**
     * On the event loop: writes the answer, then lets the connection go on, or closes it (after the rest of a refused
     * body when {@code drainFirst}).
     */
    private void write(ChannelHandlerContext ctx, HttpRequest asked, GraphQLExchange.Answer answer, byte @Nullable [] gzipped,
                       boolean close, boolean drainFirst) {
        answering = false;
        shared.inFlight().finished();
        var bytes = gzipped != null ? gzipped : answer.body();
        var response = new DefaultFullHttpResponse(asked.protocolVersion(), HttpResponseStatus.valueOf(answer.status()),
                Unpooled.wrappedBuffer(bytes));
        var headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        headers.set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (gzipped != null) headers.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        if (answer.body().length >= GZIP_FROM_BYTES) headers.set(HttpHeaderNames.VARY, "Accept-Encoding");
        headers.set(HttpHeaderNames.DATE, Dates.now());
        headers.set("X-Request-Id", answer.requestId());
        answer.headers().forEach(headers::set);
        boolean keepAlive = !close && !closing && closeWanted == null && HttpUtil.isKeepAlive(asked);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            closing = true;
            releaseHeld();
            var promise = closeWanted != null ? closeWanted : ctx.newPromise();
            closeWanted = null;
            if (drainFirst) {
                // the rest of the body is read and dropped (drop()), then the connection closes; a client that keeps
                // sending, or stops, is closed on anyway after a few seconds
                ctx.executor().schedule(() -> ctx.close(promise), 5, java.util.concurrent.TimeUnit.SECONDS);
                readWanted = false;
                ctx.read();
            } else {
                written.addListener((ChannelFutureListener) f -> ctx.close(promise));
            }
            return;
        }
        resume(ctx);
    }

    /** Takes up what was held back, and the reads asked for meanwhile, once the route is free again. */
    private void resume(ChannelHandlerContext ctx) {
        boolean handedOn = false;
        while (!busy(ctx) && !closing && !held.isEmpty()) {
            handedOn = true;
            dispatch(ctx, held.poll());
        }
        if (handedOn) ctx.fireChannelReadComplete();
        if (!busy(ctx) && readWanted) {
            readWanted = false;
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && !answering) resume(ctx);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (busy(ctx) && !closing) {
            readWanted = true;
            return;
        }
        ctx.read();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // only Micronaut's writes pass here (the route writes from its own context, past itself)
        if (msg instanceof HttpResponse response && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            ctx.write(msg, promise);
            ctx.pipeline().remove(this); // a WebSocket from here on: nothing of HTTP left to route
            return;
        }
        boolean informational = msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        // a last answer from Micronaut (Connection: close): the connection ends after it, take nothing more
        if (!informational && msg instanceof HttpResponse response && !HttpUtil.isKeepAlive(response)) closing = true;
        if (!informational && msg instanceof LastHttpContent && owedByMicronaut > 0) owedByMicronaut--;
        ctx.write(msg, promise);
    }

    /**
     * A close (Micronaut's graceful shutdown, its idle timeout) waits for the answer being made, and for a body being
     * gathered at most ten seconds; the connection closes once that answer is written.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (answering || mode == Mode.OURS) {
            if (closeWanted == null) {
                closeWanted = promise.isVoid() ? ctx.newPromise() : promise;
                if (!answering) {
                    ctx.executor().schedule(() -> {
                        var waiting = closeWanted;
                        if (waiting != null && !answering) {
                            closeWanted = null;
                            ctx.close(waiting);
                        }
                    }, 10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } else if (!promise.isVoid()) {
                closeWanted.addListener(f -> promise.trySuccess());
            }
            return;
        }
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBody();
        var pending = held.toArray();
        held.clear();
        for (var msg : pending) ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseBody();
        releaseHeld();
        super.channelInactive(ctx);
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private void releaseHeld() {
        while (!held.isEmpty()) ReferenceCountUtil.release(held.poll());
    }

    private static java.util.function.Function<String, String> parameters(String uri) {
        var values = new QueryStringDecoder(uri).parameters();
        return name -> {
            var list = values.get(name);
            return list == null || list.isEmpty() ? null : list.getFirst();
        };
    }

    private static @Nullable String address(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress socket && socket.getAddress() != null
                ? socket.getAddress().getHostAddress() : null;
    }

    static boolean acceptsGzip(@Nullable String acceptEncoding) {
        if (acceptEncoding == null) return false;
        for (var coding : acceptEncoding.split(",")) {
            var parts = coding.trim().toLowerCase(Locale.ROOT).split(";");
            if (!parts[0].trim().equals("gzip")) continue;
            for (int i = 1; i < parts.length; i++) {
                var param = parts[i].trim();
                if (param.startsWith("q=")) {
                    try {
                        if (Double.parseDouble(param.substring(2)) <= 0) return false;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
            return true;
        }
        return false;
    }

    private static byte[] gzip(byte[] plain) {
        var out = new ByteArrayOutputStream(plain.length / 4 + 64);
        try (var zip = new GZIPOutputStream(out)) {
            zip.write(plain);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The {@code Date} header, formatted once a second. */
    private static final class Dates {
        private record Stamp(long second, String text) {}
        private static volatile Stamp last = new Stamp(0, "");

        static String now() {
            long millis = System.currentTimeMillis();
            var stamp = last;
            if (stamp.second() != millis / 1000) {
                stamp = new Stamp(millis / 1000, DateFormatter.format(new Date(millis)));
                last = stamp;
            }
            return stamp.text();
        }
    }
}
