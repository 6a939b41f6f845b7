package dev.berth.api;

import dev.berth.runtime.ReadyGate;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.scheduling.TaskExecutors;
import io.netty.channel.Channel;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;

/**
 * Puts the thin {@code /graphql} route ({@link GraphQLRoute}) in front of Micronaut's handler on every HTTP/1.1
 * connection, and the features' own {@link ConnectionRoute}s in front of it. The exchange behind it is built on a worker once the server listens (or by the first request, if that
 * comes first), never at start-up and never on an event loop.
 */
@Singleton
final class GraphQLRouteInstaller implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    /** Micronaut's own request handler in the connection's pipeline. */
    static final String MICRONAUT_HANDLER = "micronaut-inbound-handler";

    private final BeanProvider<GraphQLExchange> exchange;
    private final BeanProvider<GraphQLRouteInFlight> inFlight;
    private final BeanProvider<ExecutorService> workers;
    private final BeanProvider<HttpServerConfiguration> server;
    private final BeanProvider<GraphQLProperties> properties;
    private final java.util.List<ConnectionRoute> routes;
    private final ReadyGate gate;
    private volatile ExecutorService fastWorkers;
    private volatile GraphQLRoute.Shared shared;

    GraphQLRouteInstaller(BeanProvider<GraphQLExchange> exchange, BeanProvider<GraphQLRouteInFlight> inFlight,
                          @Named(TaskExecutors.BLOCKING) BeanProvider<ExecutorService> workers,
                          BeanProvider<HttpServerConfiguration> server, BeanProvider<GraphQLProperties> properties,
                          java.util.List<ConnectionRoute> routes, ReadyGate gate) {
        this.gate = gate;
        this.routes = routes;
        this.properties = properties;
        this.exchange = exchange;
        this.inFlight = inFlight;
        this.workers = workers;
        this.server = server;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    @jakarta.annotation.PreDestroy
    void close() {
        var pool = fastWorkers;
        if (pool != null) pool.shutdown(); // after the graceful shutdown has let the answers in flight finish
    }

    private synchronized GraphQLRoute.Shared shared() {
        var known = shared;
        if (known == null) {
            var configuration = server.get();
            var threads = new java.util.concurrent.atomic.AtomicInteger();
            fastWorkers = java.util.concurrent.Executors.newFixedThreadPool(properties.get().workerThreads(),
                    task -> Thread.ofPlatform().name("graphql-worker-" + threads.incrementAndGet()).daemon().unstarted(task));
            known = new GraphQLRoute.Shared(this::exchange, fastWorkers, workers.get(), configuration.getMaxRequestSize(),
                    configuration.getCors().isEnabled(), inFlight.get());
            shared = known;
        }
        return known;
    }

    private volatile GraphQLExchange built;

    /** The exchange, looked up once (a bean lookup per request is not free). */
    private GraphQLExchange exchange() {
        var known = built;
        if (known == null) built = known = exchange.get();
        return known;
    }

    /**
     * Once the node is ready ({@link ReadyGate}), the GraphQL schema and everything behind the exchange are built on a
     * worker, so the first request does not wait for them; {@code /health} never did, and no longer shares the CPU
     * with them while the node starts.
     */
    @io.micronaut.runtime.event.annotation.EventListener
    void warmUp(io.micronaut.runtime.server.event.ServerStartupEvent started) {
        gate.afterReady(() -> warmUpNow(started));
    }

    private void warmUpNow(io.micronaut.runtime.server.event.ServerStartupEvent started) {
        if (!started.getSource().isRunning()) return;
        try {
            workers.get().execute(() -> {
                try {
                    exchange();
                } catch (RuntimeException e) {
                    // a node stopped before its warm-up ran finds its beans gone: nothing to say
                    if (!started.getSource().isRunning()) return;
                    org.slf4j.LoggerFactory.getLogger(GraphQLRouteInstaller.class).warn("event=graphql-warm-up-failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the node stops: nothing to warm
        }
    }

    private final class Customizer implements NettyServerCustomizer {
        private final Channel channel;

        Customizer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            // HTTP/1.1 connections only (HTTP/2 and HTTP/3 streams, if ever enabled, stay Micronaut's)
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : new Customizer(null);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel == null) return; // not an HTTP/1.1 connection
            var pipeline = channel.pipeline();
            if (pipeline.get(MICRONAUT_HANDLER) != null && pipeline.get(GraphQLRoute.NAME) == null) {
                pipeline.addBefore(MICRONAUT_HANDLER, GraphQLRoute.NAME, new GraphQLRoute(shared()));
                for (var route : routes) pipeline.addBefore(GraphQLRoute.NAME, route.name(), route.newHandler());
            }
        }
    }
}
