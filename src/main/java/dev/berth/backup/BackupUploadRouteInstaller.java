package dev.berth.backup;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Puts {@link BackupUploadRoute} at the front of Berth's routes on every HTTP/1.1 connection (before the thin /graphql route). */
@Singleton
final class BackupUploadRouteInstaller implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    /** Micronaut's own request handler in the connection's pipeline. */
    private static final String MICRONAUT_HANDLER = "micronaut-inbound-handler";
    private static final String GRAPHQL_ROUTE = "berth-graphql";

    private final BeanProvider<BackupImports> imports;
    /** Uploads write to their destination on virtual threads (each blocks on the destination's answers). */
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("berth-upload-", 0).factory());

    BackupUploadRouteInstaller(BeanProvider<BackupImports> imports) {
        this.imports = imports;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    @jakarta.annotation.PreDestroy
    void close() {
        workers.shutdown();
    }

    private final class Customizer implements NettyServerCustomizer {
        private final Channel channel;

        Customizer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : new Customizer(null);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel == null) return;
            var pipeline = channel.pipeline();
            if (pipeline.get(MICRONAUT_HANDLER) == null || pipeline.get(BackupUploadRoute.NAME) != null) return;
            var before = pipeline.get(GRAPHQL_ROUTE) != null ? GRAPHQL_ROUTE : MICRONAUT_HANDLER;
            pipeline.addBefore(before, BackupUploadRoute.NAME, new BackupUploadRoute(imports.get(), workers));
        }
    }
}
