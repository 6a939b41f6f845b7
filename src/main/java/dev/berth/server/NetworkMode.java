package dev.berth.server;

import io.micronaut.core.annotation.Nullable;
import java.util.Locale;

/**
 * The Docker network an application's containers join. Chosen per server (a server whose Docker has no bridge uses
 * HOST), overridable per application; when neither chooses, {@code BERTH_DEPLOYMENTS_NETWORK} does.
 */
public enum NetworkMode {
    /** Docker's default bridge: a container port reaches the server only where published (hostPort). */
    BRIDGE,
    /** The server's own network stack: every container port is a port of the server. */
    HOST;

    /** Docker's name of the mode. */
    public String docker() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The network the containers join: the application's choice, else its server's, else the configured default. */
    public static String effective(@Nullable NetworkMode application, @Nullable NetworkMode server, String configured) {
        if (application != null) return application.docker();
        if (server != null) return server.docker();
        return configured;
    }

    /** The mode a server uses when it chooses none: the configured default, as a mode (any other named network is BRIDGE-like). */
    public static NetworkMode of(String configured) {
        return "host".equals(configured) ? HOST : BRIDGE;
    }
}
