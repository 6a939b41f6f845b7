package dev.berth.api;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * The first thing Berth does on shutdown (before the graceful drain of HTTP requests and before Netty stops):
 * every graphql-ws socket gets 1001 (going away).
 */
@Singleton
final class WsGoingAway implements ApplicationEventListener<ShutdownEvent>, Ordered {
    private final GraphQLWsEndpoint endpoint;

    WsGoingAway(GraphQLWsEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void onApplicationEvent(ShutdownEvent event) {
        endpoint.goingAway();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
