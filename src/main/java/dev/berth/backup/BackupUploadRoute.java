package dev.berth.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * {@code PUT /teams/<team>/backups/<backup>/content}: an imported backup's upload, streamed into its destination. One
 * Netty handler per HTTP/1.1 connection, before Berth's other routes; every other request passes through untouched.
 * The body is never gathered: the connection reads one network read at a time, and reads again only once a worker
 * has written what came to the destination, so a slow destination slows the client, and memory holds one read. The
 * body must carry a {@code Content-Length} equal to the size importBackup announced, and the one-time token in
 * {@code X-Berth-Upload-Token}. A body that stops for {@link #IDLE_SECONDS} s, ends short, runs long, or whose client
 * leaves fails the import. The answer is JSON, and the connection closes after it.
 */
final class BackupUploadRoute extends ChannelDuplexHandler {
    static final String NAME = "berth-backup-upload";
    static final Pattern PATH = Pattern.compile("/teams/([0-9a-f-]{36})/backups/([0-9a-f-]{36})/content");
    static final String TOKEN_HEADER = "X-Berth-Upload-Token";
    static final int IDLE_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final java.util.function.Supplier<BackupImports> imports;
    private final Executor workers;
    private Session session;

    BackupUploadRoute(java.util.function.Supplier<BackupImports> imports, Executor workers) {
        this.imports = imports;
        this.workers = workers;
    }

    /** Requests handed on whose answers have not all been written yet (an upload waits for them: answers keep their order). */
    private int outstanding;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session != null) {
            if (msg instanceof HttpContent content) session.offer(content);
            else ReferenceCountUtil.release(msg); // a request pipelined behind an upload: the connection closes after it
            return;
        }
        if (msg instanceof HttpRequest request && request.method().equals(HttpMethod.PUT) && PATH.matcher(path(request)).matches()) {
            ctx.channel().config().setAutoRead(false); // from now on, a read happens only when the upload asks for one
            session = new Session(ctx, request);
            if (msg instanceof HttpContent content) session.offer(content); // a whole request: its content is the upload's
            if (outstanding == 0) session.start(); // else once the answers before it are written
            return;
        }
        if (msg instanceof HttpRequest) outstanding++;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
        // the answers of the requests handed on pass here on their way out; an interim one (100 Continue) is not an end
        boolean interim = msg instanceof io.netty.handler.codec.http.HttpResponse response && response.status().codeClass()
                == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL;
        boolean ends = !interim && msg instanceof LastHttpContent && outstanding > 0;
        ctx.write(msg, promise);
        if (ends && --outstanding == 0 && session != null && !session.started) session.start();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        // while an upload runs, the reads are its own (a worker asks for the next one): nobody else's pass
        if (session == null) ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (session != null) session.gone();
        super.channelInactive(ctx);
    }

    private static String path(HttpRequest request) {
        var uri = request.uri();
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** One upload: its pieces are written in order by one worker at a time, then the answer goes. */
    private final class Session {
        private final ChannelHandlerContext ctx;
        private final HttpRequest request;
        private final ConcurrentLinkedQueue<HttpContent> pieces = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();
        private volatile BackupImports.Upload upload;
        private volatile boolean left;
        private volatile boolean answered;
        private volatile long lastPiece = System.nanoTime();
        private volatile boolean complete;
        private java.util.concurrent.ScheduledFuture<?> idle;
        private byte[] chunk;
        boolean started;

        Session(ChannelHandlerContext ctx, HttpRequest request) {
            this.ctx = ctx;
            this.request = request;
        }

        /** Checks the request on a worker (the database is asked), then reads the body or answers why not. */
        void start() {
            started = true;
            var matcher = PATH.matcher(path(request));
            matcher.matches();
            var token = request.headers().get(TOKEN_HEADER);
            long length = HttpUtil.getContentLength(request, -1L);
            idle = ctx.executor().scheduleAtFixedRate(this::checkIdle, IDLE_SECONDS, 5, TimeUnit.SECONDS);
            run(() -> {
                try {
                    if (HttpUtil.isTransferEncodingChunked(request) || length < 0) {
                        answer(HttpResponseStatus.LENGTH_REQUIRED, error("BAD_USER_INPUT", "Send the body with a Content-Length (curl -T does)."));
                        return;
                    }
                    if (token == null || token.isBlank()) {
                        answer(HttpResponseStatus.UNAUTHORIZED, error("UNAUTHENTICATED", "Send importBackup's uploadToken in " + TOKEN_HEADER + "."));
                        return;
                    }
                    var opened = imports.get().open(UUID.fromString(matcher.group(1)), UUID.fromString(matcher.group(2)), token, length);
                    chunk = new byte[64 * 1024];
                    upload = opened;
                    if (left) {
                        upload.fail("the client left before sending anything");
                        return;
                    }
                    if (HttpUtil.is100ContinueExpected(request)) {
                        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
                    }
                    drain();
                } catch (BackupImports.Refused refused) {
                    answer(HttpResponseStatus.valueOf(refused.status), error(refused.code, refused.getMessage()));
                } catch (IllegalArgumentException bad) {
                    answer(HttpResponseStatus.NOT_FOUND, error("NOT_FOUND", "No such upload."));
                } catch (RuntimeException e) {
                    answer(HttpResponseStatus.INTERNAL_SERVER_ERROR, error("INTERNAL", "The upload could not begin."));
                }
            });
        }

        /** On the event loop: a piece of the body came. */
        void offer(HttpContent content) {
            lastPiece = System.nanoTime();
            if (content instanceof LastHttpContent) complete = true; // the client sent everything: what is left is Berth's
            pieces.add(content);
            if (upload != null) run(this::drain);
        }

        /** On a worker; a node shutting down (no more workers) closes the connection, which fails the upload. */
        private void run(Runnable task) {
            try {
                workers.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                ctx.close();
            }
        }

        /** Writes what came, in order, on one worker at a time; asks for the next read when all is written. */
        private void drain() {
            if (!draining.compareAndSet(false, true)) return;
            try {
                HttpContent piece;
                while ((piece = pieces.poll()) != null) {
                    try {
                        if (answered) continue;
                        var buffer = piece.content();
                        while (buffer.isReadable()) {
                            int n = Math.min(chunk.length, buffer.readableBytes());
                            buffer.readBytes(chunk, 0, n);
                            upload.write(chunk, 0, n);
                        }
                        if (piece instanceof LastHttpContent) {
                            var ended = upload.finish();
                            answer(ended.status() == Backup.Status.SUCCEEDED ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY, backup(ended));
                        }
                    } catch (java.io.IOException | RuntimeException e) {
                        upload.fail(dev.berth.execution.Reasons.plain(e));
                        answer(HttpResponseStatus.BAD_REQUEST, error("BAD_USER_INPUT", dev.berth.execution.Reasons.plain(e)));
                    } finally {
                        piece.release();
                    }
                }
            } finally {
                draining.set(false);
            }
            if (!pieces.isEmpty()) {
                drain(); // a piece came between the last poll and the flag
                return;
            }
            if (!answered && !left) {
                lastPiece = System.nanoTime(); // the idle clock is the client's: it starts when Berth asks for more
                ctx.executor().execute(ctx::read);
            }
        }

        /** The connection closed: an upload under way fails (what was written is dropped). */
        void gone() {
            left = true;
            if (idle != null) idle.cancel(false);
            run(() -> {
                var current = upload;
                if (current != null && !answered) {
                    answered = true;
                    current.fail("the client left after " + current.written() + " bytes");
                }
                HttpContent piece;
                while ((piece = pieces.poll()) != null) piece.release();
            });
        }

        private void checkIdle() {
            if (answered || left || complete) return;
            if (System.nanoTime() - lastPiece > TimeUnit.SECONDS.toNanos(IDLE_SECONDS)) ctx.close(); // gone() fails it
        }

        private Map<String, Object> backup(Backup backup) {
            var body = new LinkedHashMap<String, Object>();
            body.put("backupId", backup.id().toString());
            body.put("status", backup.status().name());
            body.put("sizeBytes", backup.sizeBytes());
            body.put("sha256", backup.sha256());
            body.put("detail", backup.detail());
            return body;
        }

        private Map<String, Object> error(String code, String message) {
            return Map.of("error", Map.of("code", code, "message", message));
        }

        private void answer(HttpResponseStatus status, Map<String, Object> body) {
            if (answered) return;
            answered = true;
            if (idle != null) idle.cancel(false);
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                bytes = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.executor().execute(() -> ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE));
        }
    }
}
