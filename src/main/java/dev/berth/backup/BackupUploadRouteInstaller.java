package dev.berth.backup;

import dev.berth.api.ConnectionRoute;
import io.micronaut.context.BeanProvider;
import io.netty.channel.ChannelHandler;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** {@link BackupUploadRoute} on every HTTP/1.1 connection, in front of the thin /graphql route. */
@Singleton
final class BackupUploadRouteInstaller implements ConnectionRoute {
    private final BeanProvider<BackupImports> imports;
    /** Uploads write to their destination on virtual threads (each blocks on the destination's answers). */
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("berth-upload-", 0).factory());
    private volatile BackupImports built;

    BackupUploadRouteInstaller(BeanProvider<BackupImports> imports) {
        this.imports = imports;
    }

    @Override
    public String name() {
        return BackupUploadRoute.NAME;
    }

    @Override
    public ChannelHandler newHandler() {
        return new BackupUploadRoute(this::imports, workers);
    }

    /** Looked up once, on a worker by the first upload (never on an event loop: it builds the backup services). */
    private BackupImports imports() {
        var known = built;
        if (known == null) built = known = imports.get();
        return known;
    }

    @jakarta.annotation.PreDestroy
    void close() {
        workers.shutdown();
    }
}
