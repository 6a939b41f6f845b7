package dev.berth.api;

import io.netty.channel.ChannelHandler;

/**
 * A route of a feature's own on every HTTP/1.1 connection, put in front of the thin {@code /graphql} route by
 * {@link GraphQLRouteInstaller} (e.g. a backup's upload, which streams a body no route may gather). Its handler
 * passes every request that is not its own on untouched.
 */
public interface ConnectionRoute {
    /** The handler's name in the connection's pipeline. */
    String name();

    /** A handler for one new connection. */
    ChannelHandler newHandler();
}
