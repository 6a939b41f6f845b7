package dev.berth.api;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import jakarta.inject.Singleton;

/**
 * WebSocket messages are bounded where they arrive, before anything buffers or parses them:
 * <ul>
 *   <li>permessage-deflate is refused (Micronaut offers it on every socket): a small compressed frame can
 *       inflate to hundreds of MiB, and compressing ~150-byte graphql-ws frames costs more than it saves;</li>
 *   <li>a message, summed over its continuation frames (Micronaut joins fragments without a bound), may not
 *       exceed {@link #MAX_MESSAGE_BYTES}: the socket closes with 1009 (message too big);</li>
 *   <li>a client's close frame is echoed, as the protocol asks (Micronaut would drop the connection: 1006).</li>
 * </ul>
 * The tighter limit before {@code connection_ack} is the endpoint's ({@link GraphQLWsEndpoint}).
 */
@Singleton
final class WsMessageLimit implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    /** Micronaut's name for the handler that negotiates permessage-deflate. */
    private static final String COMPRESSION_HANDLER = "WebSocketServerCompressionHandler";
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /**
     * The largest single frame Netty's decoder buffers (the endpoint's {@code maxPayloadLength}): above
     * {@link #MAX_MESSAGE_BYTES}, so an oversized message still ends with this handler's orderly 1009; a frame
     * beyond even this is cut by Netty at once.
     */
    static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new PerChannel(null));
        return event.getBean();
    }

    /** Swaps the compression handler for the size limit on each HTTP/1.1 stream pipeline. */
    private record PerChannel(Channel channel) implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return new PerChannel(channel);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel != null && channel.pipeline().get(COMPRESSION_HANDLER) != null) {
                channel.pipeline().replace(COMPRESSION_HANDLER, "berth-ws-message-limit", new Limit());
            }
        }
    }

    /**
     * Counts a message's bytes across its fragments; past the limit, sends 1009 and drops everything but the
     * client's close, then closes the connection (at once on the client's close, else after {@link #LINGER}), so
     * the client reads the 1009 instead of a reset caused by the bytes it was still sending.
     */
    private static final class Limit extends ChannelInboundHandlerAdapter {
        private static final java.time.Duration LINGER = java.time.Duration.ofSeconds(2);
        private long messageBytes;
        private boolean closing;
        private boolean refused;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                boolean clientClosed = msg instanceof CloseWebSocketFrame;
                ReferenceCountUtil.release(msg);
                if (clientClosed) ctx.close();
                return;
            }
            if (msg instanceof CloseWebSocketFrame close && !closing) {
                // echo the client's close (RFC 6455 §5.5.1) before Micronaut drops the connection, so the client
                // sees its own code rather than 1006
                closing = true;
                var echo = close.statusCode() < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(close.statusCode(), close.reasonText());
                ctx.writeAndFlush(echo);
                ctx.fireChannelRead(msg);
                return;
            }
            if (!(msg instanceof WebSocketFrame frame) || frame instanceof CloseWebSocketFrame) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (closing) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
                messageBytes = (frame instanceof ContinuationWebSocketFrame ? messageBytes : 0) + frame.content().readableBytes();
                if (messageBytes > MAX_MESSAGE_BYTES) {
                    closing = true;
                    refused = true;
                    ReferenceCountUtil.release(msg);
                    ctx.writeAndFlush(new CloseWebSocketFrame(1009, "Message too big"));
                    ctx.executor().schedule(() -> { ctx.close(); }, LINGER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}
