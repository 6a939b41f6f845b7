package dev.berth.api;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.core.order.Ordered;
import io.micronaut.runtime.graceful.GracefulShutdownConfiguration;
import io.micronaut.runtime.graceful.GracefulShutdownListener;
import io.micronaut.runtime.graceful.GracefulShutdownManager;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Berth's shutdown sequence, in place of Micronaut's graceful-shutdown listener: first every graphql-ws socket
 * gets 1001 (going away), then the graceful drain of HTTP requests (bounded by the grace period), then Netty stops.
 * <p>
 * It replaces Micronaut's listener instead of running beside it because both would have the highest precedence,
 * and when Micronaut's drain ran first it cut the sockets without a close frame (clients saw 1006).
 */
@Singleton
@Replaces(GracefulShutdownListener.class)
final class WsGoingAway implements ApplicationEventListener<ShutdownEvent>, Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(WsGoingAway.class);
    /** Set by the endpoint when it exists: a node that never served graphql-ws creates nothing while it stops. */
    private volatile GraphQLWsEndpoint endpoint;
    private final Optional<GracefulShutdownConfiguration> graceful;
    private final BeanProvider<GracefulShutdownManager> drain;

    WsGoingAway(Optional<GracefulShutdownConfiguration> graceful, BeanProvider<GracefulShutdownManager> drain) {
        this.graceful = graceful;
        this.drain = drain;
    }

    void watch(GraphQLWsEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void onApplicationEvent(ShutdownEvent event) {
        var sockets = endpoint;
        if (sockets != null) sockets.goingAway();
        var config = graceful.filter(GracefulShutdownConfiguration::isEnabled);
        if (config.isEmpty()) return;
        try {
            drain.get().shutdownGracefully().toCompletableFuture().get(config.get().getGracePeriod().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("In-flight requests still running after the grace period ({}); stopping anyway", config.get().getGracePeriod());
        } catch (ExecutionException e) {
            LOG.warn("Graceful shutdown failed; stopping anyway", e.getCause());
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
