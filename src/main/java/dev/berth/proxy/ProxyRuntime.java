package dev.berth.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.Viewer;
import dev.berth.execution.ContainerSpec;
import dev.berth.execution.Containers;
import dev.berth.server.ServerCommands;
import dev.berth.storage.TeamTransactions;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The proxy on a server, by its Docker and its admin socket: its container made as the row says, and its
 * configuration, built from the rows, loaded. A load happens under the server's lock in PostgreSQL, read and load in one
 * transaction, so two nodes never load an older picture over a newer one.
 */
@Singleton
class ProxyRuntime {
    static final String LABEL = "berth.proxy";
    static final String SPEC_LABEL = "berth.proxy.spec";
    /** How long a started proxy may take to answer on its admin socket. */
    static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final ProxyRows rows;
    private final ServerCommands commands;
    private final TeamTransactions transactions;
    private final ProxyProperties properties;
    private final ObjectMapper json;

    ProxyRuntime(ProxyRows rows, ServerCommands commands, TeamTransactions transactions, ProxyProperties properties, ObjectMapper json) {
        this.rows = rows;
        this.commands = commands;
        this.transactions = transactions;
        this.properties = properties;
        this.json = json;
    }

    /** The server's directory holding the admin socket (mounted into the container at {@link CaddyConfig#RUN_DIR}). */
    String hostDir(UUID serverId) {
        return properties.hostDir().replaceAll("/+$", "") + "/" + serverId;
    }

    CaddyAdmin admin(Viewer system, UUID serverId) {
        var socket = hostDir(serverId) + "/admin.sock";
        return new CaddyAdmin(() -> commands.connectUnix(system, serverId, socket), properties.adminTimeout(), json);
    }

    /** The proxy's container, as data: Caddy on the host network, started from Berth's initial configuration. */
    ContainerSpec spec(Proxy proxy) {
        var labels = Map.of("berth.managed", "true", "berth.team", proxy.teamId().toString(), LABEL, proxy.serverId().toString(),
                SPEC_LABEL, digest(proxy.image() + " " + proxy.httpPort() + " " + proxy.httpsPort() + " " + hostDir(proxy.serverId())));
        var env = new java.util.LinkedHashMap<String, dev.berth.secrets.Secret>();
        env.put("XDG_DATA_HOME", new dev.berth.secrets.Secret("/data"));
        env.put("XDG_CONFIG_HOME", new dev.berth.secrets.Secret("/config"));
        var id = proxy.serverId().toString();
        return new ContainerSpec("berth-proxy-" + id, proxy.image(), labels, env,
                List.of("caddy", "run", "--config", CaddyConfig.RUN_DIR + "/caddy.json", "--resume"), List.of(), "UNLESS_STOPPED", null, null,
                List.of(new ContainerSpec.Mount(hostDir(proxy.serverId()), CaddyConfig.RUN_DIR),
                        new ContainerSpec.Mount("berth-proxy-data-" + id, "/data"), new ContainerSpec.Mount("berth-proxy-config-" + id, "/config")),
                "host", "SIGTERM", 10);
    }

    private static String digest(String text) {
        try {
            var hash = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the container match the row (created, or replaced when its spec changed, and running); its id. */
    String ensure(Viewer system, Proxy proxy) {
        var containers = commands.containers(system, proxy.serverId());
        var spec = spec(proxy);
        String current = null;
        for (var container : containers.list(Map.of(LABEL, proxy.serverId().toString()))) {
            if (current == null && spec.labels().get(SPEC_LABEL).equals(container.labels().get(SPEC_LABEL))) {
                current = container.id();
            } else {
                containers.stop(container.id(), Duration.ofSeconds(10));
                containers.remove(container.id());
            }
        }
        if (current == null) {
            if (!containers.imagePresent(spec.image())) {
                containers.pull(spec.image(), null, (stream, text) -> { }, () -> Thread.currentThread().isInterrupted());
            }
            current = containers.create(spec);
            copy(containers, current, "caddy.json", bytes(CaddyConfig.initial()));
            if (properties.acmeTrustedRootsFile() != null) {
                try {
                    copy(containers, current, "acme-roots.pem", Files.readAllBytes(Path.of(properties.acmeTrustedRootsFile())));
                } catch (IOException e) {
                    throw new UncheckedIOException("berth.proxy.acme-trusted-roots-file cannot be read", e);
                }
            }
        }
        if (!containers.running(current)) containers.start(current);
        return current;
    }

    private static void copy(Containers containers, String id, String name, byte[] content) {
        containers.copyInto(id, CaddyConfig.RUN_DIR, name, content.length, new ByteArrayInputStream(content));
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the proxy answers on its admin socket; the answer's error when it never does. */
    void awaitAdmin(Viewer system, Proxy proxy, String container) {
        var admin = admin(system, proxy.serverId());
        var deadline = Instant.now().plus(READY_WITHIN);
        var containers = commands.containers(system, proxy.serverId());
        while (true) {
            try {
                admin.config();
                return;
            } catch (CaddyAdmin.AdminException e) {
                if (!containers.running(container)) throw new CaddyAdmin.AdminException("the proxy's container stopped (restarted "
                        + containers.restarts(container) + " times): " + e.getMessage());
                if (Instant.now().isAfter(deadline)) throw e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Containers.Stopped();
            }
        }
    }

    /** Caddy's version, as {@code caddy version} prints it (its first word), or null when it cannot tell. */
    @Nullable String version(Viewer system, UUID serverId, String container) {
        var result = commands.containers(system, serverId).exec(container, List.of("caddy", "version"), Map.of(), Duration.ofSeconds(10), 4096);
        if (!result.succeeded() || result.stdout().isBlank()) return null;
        return result.stdout().strip().split("\\s+")[0];
    }

    /**
     * Loads the configuration the rows describe now, unless Caddy runs exactly that already (when {@code onlyIfDrifted});
     * true when it loaded. The read and the load happen under the server's lock, in one transaction.
     */
    boolean configure(Viewer system, Proxy proxy, boolean onlyIfDrifted) {
        return transactions.write(system, () -> {
            rows.lockServer(proxy.serverId());
            var desired = desired(system, proxy.serverId());
            if (desired == null) return false; // the proxy was removed meanwhile
            var admin = admin(system, proxy.serverId());
            if (onlyIfDrifted && CaddyConfig.same(admin.config(), desired)) return false;
            admin.load(desired);
            return true;
        });
    }

    /**
     * Sends the application's domains to a deployment's address, then loads the configuration: the switch of a
     * redeploy. Written and loaded in one transaction: when the load fails nothing is recorded and the proxy keeps (or is
     * given back) the previous upstream. False when no proxy serves yet (none, or one whose configuration was never
     * loaded): only the upstream is recorded, for the proxy's job to load.
     */
    boolean switchTo(Viewer system, UUID applicationId, UUID serverId, UUID deploymentId, String host, @Nullable Integer port) {
        return transactions.write(system, () -> {
            rows.lockServer(serverId);
            rows.upstream(system.teamId(), applicationId, serverId, deploymentId, host, port);
            var proxy = rows.proxy(system.teamId(), serverId).orElse(null);
            // a proxy not installed, or not configured yet, serves nothing: its job loads the new upstream with the rest
            if (proxy == null || proxy.configuredAt() == null) return false;
            admin(system, serverId).load(desired(system, serverId));
            return true;
        });
    }

    /** The configuration for the server's proxy from the rows (in the caller's transaction); null when it has none. */
    private com.fasterxml.jackson.databind.node.@Nullable ObjectNode desired(Viewer system, UUID serverId) {
        var proxy = rows.proxy(system.teamId(), serverId).orElse(null);
        if (proxy == null) return null;
        var routes = rows.routes(system.teamId(), serverId).stream().map(r -> new CaddyConfig.Route(r.domain().id(), new HostName(r.domain().host()),
                r.domain().pathPrefix(), r.domain().https(), r.domain().redirectWww(), r.upstreamHost(),
                r.upstreamHost() == null ? null : r.upstreamPort() != null ? r.upstreamPort() : r.domain().port() != null ? r.domain().port() : 80)).toList();
        return CaddyConfig.of(new CaddyConfig.Settings(proxy.httpPort(), proxy.httpsPort(), properties.acmeDirectory(), properties.acmeEmail(),
                properties.acmeTrustedRootsFile() != null), routes);
    }
}
