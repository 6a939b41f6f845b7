package dev.berth.api;

import io.micronaut.core.annotation.Nullable;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
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
     * built it yet, never on the event loop), the workers, the limits, the in-flight count.
     */
    record Shared(java.util.function.Supplier<GraphQLExchange> exchange, Executor workers, long maxBodyBytes, boolean corsEnabled,
                  GraphQLRouteInFlight inFlight) {}

    private enum Mode { IDLE, OURS, THEIRS, DISCARD }

    private final Shared shared;
    private Mode mode = Mode.IDLE;
    private @Nullable HttpRequest request;
    private @Nullable CompositeByteBuf body;
    private boolean answering;
    private int owedByMicronaut;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean readWanted;
    private @Nullable ChannelPromise closeWanted;

    GraphQLRoute(Shared shared) {
        this.shared = shared;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answering) {
            held.add(msg);
            return;
        }
        dispatch(ctx, msg);
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest next) {
            if (owedByMicronaut == 0 && ours(next)) {
                mode = Mode.OURS;
                request = next;
                if (HttpUtil.getContentLength(next, -1L) > shared.maxBodyBytes()) {
                    refuseTooLarge(ctx, msg);
                    return;
                }
            } else {
                mode = Mode.THEIRS;
                owedByMicronaut++;
                ctx.fireChannelRead(msg);
                return;
            }
        }
        if (msg instanceof HttpContent content && mode != Mode.THEIRS && mode != Mode.IDLE) {
            try {
                if (mode == Mode.OURS) gather(ctx, content);
                if (mode == Mode.DISCARD) return;
                if (content instanceof LastHttpContent) answer(ctx);
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
        var encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) return false;
        return !(shared.corsEnabled() && headers.contains(HttpHeaderNames.ORIGIN));
    }

    private void gather(ChannelHandlerContext ctx, HttpContent content) {
        var bytes = content.content();
        if (!bytes.isReadable()) return;
        if (body == null) body = ctx.alloc().compositeBuffer(64);
        if ((long) body.readableBytes() + bytes.readableBytes() > shared.maxBodyBytes()) {
            refuseTooLarge(ctx, null);
            return;
        }
        body.addComponent(true, bytes.retain());
    }

    /** A body over the limit: answered at once, the connection closed after, what is left of the body dropped. */
    private void refuseTooLarge(ChannelHandlerContext ctx, @Nullable Object msg) {
        mode = Mode.DISCARD;
        releaseBody();
        var refused = request;
        answering = true;
        shared.inFlight().started();
        write(ctx, refused, GraphQLExchange.tooLarge(shared.maxBodyBytes()), null, true);
        if (msg != null) ReferenceCountUtil.release(msg);
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
                GraphQLExchange.Answer answer;
                try {
                    var exchange = shared.exchange().get();
                    answer = post ? exchange.post(ask, bytes) : exchange.get(ask, parameters(asked.uri()));
                } catch (Throwable failure) {
                    answer = GraphQLExchange.failed(failure);
                }
                var done = answer;
                var compressed = gzip && done.body().length >= GZIP_FROM_BYTES ? gzip(done.body()) : null;
                try {
                    ctx.executor().execute(() -> write(ctx, asked, done, compressed, false));
                } catch (RuntimeException loopGone) {
                    shared.inFlight().finished();
                }
            });
        } catch (RuntimeException rejected) {
            write(ctx, asked, GraphQLExchange.failed(rejected), null, false);
        }
    }

    /** On the event loop: writes the answer, then lets the connection go on (or closes it). */
    private void write(ChannelHandlerContext ctx, HttpRequest asked, GraphQLExchange.Answer answer, byte @Nullable [] gzipped, boolean close) {
        answering = false;
        shared.inFlight().finished();
        var bytes = gzipped != null ? gzipped : answer.body();
        var response = new DefaultFullHttpResponse(asked.protocolVersion(), HttpResponseStatus.valueOf(answer.status()),
                Unpooled.wrappedBuffer(bytes));
        var headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        headers.set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (gzipped != null) headers.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        headers.set(HttpHeaderNames.DATE, Dates.now());
        headers.set("X-Request-Id", answer.requestId());
        answer.headers().forEach(headers::set);
        boolean keepAlive = !close && closeWanted == null && HttpUtil.isKeepAlive(asked);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            var promise = closeWanted != null ? closeWanted : ctx.newPromise();
            closeWanted = null;
            written.addListener((ChannelFutureListener) f -> ctx.close(promise));
            releaseHeld();
            return;
        }
        boolean handedOn = false;
        while (!answering && !held.isEmpty()) {
            handedOn = true;
            dispatch(ctx, held.poll());
        }
        if (handedOn) ctx.fireChannelReadComplete();
        if (!answering && readWanted) {
            readWanted = false;
            ctx.read();
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (answering) {
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
        if (!informational && msg instanceof LastHttpContent && owedByMicronaut > 0) owedByMicronaut--;
        ctx.write(msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (answering) {
            if (closeWanted == null) closeWanted = promise;
            else closeWanted.addListener(f -> promise.trySuccess());
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
