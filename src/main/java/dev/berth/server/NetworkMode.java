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

    /**
     * The network the containers join: the application's choice, else its server's, else the configured default. BRIDGE
     * is the configured network when that names one of the operator's own (any name but {@code host}), else Docker's.
     */
    public static String effective(@Nullable NetworkMode application, @Nullable NetworkMode server, String configured) {
        var chosen = application != null ? application : server;
        if (chosen == null) return configured;
        if (chosen == HOST) return HOST.docker();
        return "host".equals(configured) ? BRIDGE.docker() : configured;
    }

    /** The mode a server uses when it chooses none: the configured default, as a mode (any other named network is BRIDGE-like). */
    public static NetworkMode of(String configured) {
        return "host".equals(configured) ? HOST : BRIDGE;
    }
}
