package dev.berth;

import dev.berth.api.SchemaFiles;
import dev.berth.runtime.JarIndex;
import dev.berth.runtime.JarResources;
import dev.berth.runtime.LastResort;
import dev.berth.storage.MigrationHistory;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.io.scan.ClassPathResourceLoader;
import io.micronaut.runtime.Micronaut;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * Starts Berth. With no database or Redis URL configured, the embedded default starts its own servers.
 * <p>
 * SIGTERM and SIGINT (Ctrl-C) stop Berth in order before the JVM's shutdown hooks run: the context closes first
 * (graphql-ws sockets get 1001, HTTP requests drain, jobs stop at a safe point, pools close, the embedded servers
 * stop last), then the process exits. Left to the hooks, the embedded servers' own hooks (the PostgreSQL and Redis
 * libraries register one each) would stop them beside Micronaut's, under live sockets and running jobs. A second
 * signal while stopping halts at once, stopping only the embedded servers' processes ({@link LastResort}).
 */
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        JarIndex.install(Application.class, MigrationHistory.LOCATION, SchemaFiles.FOLDER); // before Micronaut lists its services
        var context = new AtomicReference<ApplicationContext>();
        var stopping = new AtomicBoolean();
        for (var name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                int status = 128 + signal.getNumber();
                if (!stopping.compareAndSet(false, true)) {
                    // asked twice: no waiting for the first stop (the JVM's hooks would wait for it), only what must
                    // not outlive the process
                    LastResort.run();
                    Runtime.getRuntime().halt(status);
                }
                Thread.ofPlatform().name("berth-stop").start(() -> {
                    var running = context.get();
                    try {
                        if (running != null && running.isRunning()) running.close();
                    } finally {
                        System.exit(status);
                    }
                });
            });
        }
        var resources = new JarResources(Application.class.getClassLoader());
        context.set(new Micronaut() {
            @Override
            public ClassPathResourceLoader getResourceLoader() {
                return resources; // application.yml read from the jar without opening it as a file system
            }
        }.classes(Application.class).args(args).start());
    }
}
