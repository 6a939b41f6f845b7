package dev.berth.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.Viewer;
import dev.berth.execution.ContainerSpec;
import dev.berth.execution.Containers;
import dev.berth.execution.Reasons;
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
 * configuration, built from the rows, loaded. No call to the proxy happens inside a transaction.
 */
@Singleton
class ProxyRuntime {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProxyRuntime.class);

    /** A switch failed and the previous upstream could not be given back: either container may receive requests. */
    static final class Uncertain extends RuntimeException {
        Uncertain(String reason) {
            super(reason, null, false, false);
        }
    }

    static final String LABEL = "berth.proxy";
    static final String SPEC_LABEL = "berth.proxy.spec";
    /** How long a started proxy may take to answer on its admin socket. */
    static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final ProxyRows rows;
    private final ServerCommands commands;
    private final TeamTransactions transactions;
    private final ProxyProperties properties;
    private final ObjectMapper json;

    private final dev.berth.secrets.SecretBox box;

    ProxyRuntime(ProxyRows rows, ServerCommands commands, TeamTransactions transactions, ProxyProperties properties, ObjectMapper json,
                 dev.berth.secrets.SecretBox box) {
        this.box = box;
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
        var labels = Map.of(dev.berth.application.Labels.MANAGED, "true", dev.berth.application.Labels.TEAM, proxy.teamId().toString(),
                LABEL, proxy.serverId().toString(),
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
        // a new image is pulled while the old proxy still serves: its domains are down only for the swap itself
        if (!containers.imagePresent(spec.image())) {
            containers.pull(spec.image(), null, (stream, text) -> { }, () -> Thread.currentThread().isInterrupted());
        }
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

    /** One lock per server on this node: its loads go one at a time (across nodes, the generation says when to load again). */
    private final java.util.concurrent.ConcurrentHashMap<UUID, java.util.concurrent.locks.ReentrantLock> locks = new java.util.concurrent.ConcurrentHashMap<>();

    /** What the rows say the proxy should run now, and as of which generation. */
    private record Picture(long generation, com.fasterxml.jackson.databind.node.ObjectNode config) {}

    /**
     * Loads the configuration the rows describe now, unless Caddy runs exactly that already (when {@code onlyIfDrifted});
     * true when it loaded. The picture is read in a short transaction and the proxy is called outside any (a slow
     * server holds no connection of the pool); when the generation moved meanwhile (a change, or another node's load of
     * an older picture), it is read and loaded again, up to three times.
     */
    boolean configure(Viewer system, UUID serverId, boolean onlyIfDrifted) {
        var lock = locks.computeIfAbsent(serverId, id -> new java.util.concurrent.locks.ReentrantLock());
        lock.lock();
        try {
            var admin = admin(system, serverId);
            boolean loaded = false;
            for (int attempt = 0; attempt < 3; attempt++) {
                var picture = picture(system, serverId);
                if (picture == null) return loaded; // the proxy was removed meanwhile
                if (!loaded && onlyIfDrifted && CaddyConfig.same(admin.config(), picture.config())) return false;
                admin.load(picture.config());
                loaded = true;
                if (transactions.read(system, () -> rows.generation(system.teamId(), serverId)) == picture.generation()) return true;
            }
            LOG.info("event=proxy-configuration-racing server={}", serverId); // changes kept coming: the next pass loads the newest
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the application's domains to a deployment's address, then loads the configuration: the switch of a
     * redeploy. When the load fails, the previous upstream is written back and loaded (best effort) before the error
     * goes up, so the proxy keeps sending requests to the previous container, which the failed deployment leaves running.
     * False when no proxy serves yet (none, or one whose configuration was never loaded): only the upstream is recorded,
     * for the proxy's job to load.
     */
    boolean switchTo(Viewer system, UUID applicationId, ProxyRows.Upstream upstream) {
        record Before(boolean configured, ProxyRows.@Nullable Upstream previous) {}
        var before = transactions.write(system, () -> {
            var previous = rows.upstreamOf(system.teamId(), applicationId).orElse(null);
            if (!rows.upstream(system.teamId(), applicationId, upstream)) {
                throw new CaddyAdmin.AdminException("a newer deployment serves the application's domains already");
            }
            rows.changed(system.teamId(), upstream.serverId());
            var proxy = rows.proxy(system.teamId(), upstream.serverId()).orElse(null);
            return new Before(proxy != null && proxy.configuredAt() != null, previous);
        });
        if (!before.configured()) return false; // a proxy not configured yet serves nothing: its job loads the new upstream
        try {
            configure(system, upstream.serverId(), false);
            return true;
        } catch (RuntimeException e) {
            try {
                transactions.write(system, () -> {
                    rows.restoreUpstream(system.teamId(), applicationId, upstream.deploymentId(), before.previous());
                    rows.changed(system.teamId(), upstream.serverId());
                    return null;
                });
                configure(system, upstream.serverId(), false);
            } catch (RuntimeException again) {
                // the first load may have been taken (an answer lost), and the previous could not be given back: the proxy
                // may send requests to either container; the reconcile job loads the rows (the previous upstream) soon
                throw new Uncertain(Reasons.plain(e));
            }
            throw e;
        }
    }

    /** The configuration for the server's proxy from the rows, in a read transaction; null when it has none. */
    private @Nullable Picture picture(Viewer system, UUID serverId) {
        return transactions.read(system, () -> {
            var proxy = rows.proxy(system.teamId(), serverId).orElse(null);
            if (proxy == null) return null;
            long generation = rows.generation(system.teamId(), serverId);
            var uploaded = new java.util.HashMap<UUID, CaddyConfig.Loaded>();
            for (var certificate : rows.uploaded(system.teamId(), serverId)) {
                uploaded.put(certificate.domainId(), new CaddyConfig.Loaded(certificate.chainPem(),
                        box.open(certificate.keySealed(), UploadedCertificates.sealContext(certificate.domainId()))));
            }
            var routes = rows.routes(system.teamId(), serverId).stream().map(r -> new CaddyConfig.Route(r.domain().id(), new HostName(r.domain().host()),
                    r.domain().pathPrefix(), r.domain().https(), r.domain().redirectWww(), r.upstreamHost(),
                    r.upstreamHost() == null ? null : r.upstreamPort() != null ? r.upstreamPort() : r.domain().port() != null ? r.domain().port() : r.applicationPort(),
                    uploaded.get(r.domain().id()))).toList();
            return new Picture(generation, CaddyConfig.of(new CaddyConfig.Settings(proxy.httpPort(), proxy.httpsPort(), properties.acmeDirectory(),
                    properties.acmeEmail(), properties.acmeTrustedRootsFile() != null), routes));
        });
    }
}
