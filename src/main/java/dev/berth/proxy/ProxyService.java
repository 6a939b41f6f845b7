package dev.berth.proxy;

import dev.berth.api.Viewer;
import dev.berth.application.ApplicationChanged;
import dev.berth.application.ApplicationService;
import dev.berth.application.ImageRef;
import dev.berth.errors.ConflictException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.jobs.JobQueue;
import dev.berth.server.ServerService;
import dev.berth.storage.InTeam;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Proxies and domains as the API sees them. Every change only writes rows and wakes the server's proxy job
 * ({@link ProxyJob}), which builds the whole configuration from the rows and loads it: a mutation never talks to a
 * server inside its transaction.
 */
@Singleton
public class ProxyService {
    private final ProxyRows rows;
    private final ServerService servers;
    private final ApplicationService applications;
    private final JobQueue jobs;
    private final ProxyProperties properties;

    private final ProxyRuntime runtime;

    private final dev.berth.storage.TeamTransactions transactions;
    private final Certificates certificates;

    ProxyService(ProxyRows rows, ServerService servers, ApplicationService applications, JobQueue jobs, ProxyProperties properties,
                 ProxyRuntime runtime, dev.berth.storage.TeamTransactions transactions, Certificates certificates) {
        this.certificates = certificates;
        this.transactions = transactions;
        this.runtime = runtime;
        this.rows = rows;
        this.servers = servers;
        this.applications = applications;
        this.jobs = jobs;
        this.properties = properties;
    }

    /** What installProxy was given. */
    public record Install(UUID serverId, @Nullable String image, @Nullable Integer httpPort, @Nullable Integer httpsPort) {}

    /** Installs (or changes) the server's proxy: its job creates the container and loads the configuration. */
    @InTeam
    public Proxy install(Viewer viewer, Install input) {
        var server = servers.server(viewer, input.serverId());
        if (server.local()) {
            // the proxy runs on the host network with a team's choice of image: on the Berth host itself that would sit
            // beside Berth's own loopback services
            throw new dev.berth.errors.PolicyViolationException("The Berth host runs no managed proxy; install one on a server Berth reaches over SSH.");
        }
        var image = input.image() == null ? properties.image() : ImageRef.parse("input.image", input.image()).reference();
        int http = port("input.httpPort", input.httpPort(), 80);
        int https = port("input.httpsPort", input.httpsPort(), 443);
        if (http == https) throw new InvalidInputException("input.httpsPort", "the HTTP and HTTPS ports must differ");
        var proxy = rows.install(viewer.teamId(), server.id(), image, http, https);
        rows.changed(viewer.teamId(), server.id());
        wake(viewer.teamId(), server.id());
        return proxy;
    }

    private static int port(String field, @Nullable Integer value, int otherwise) {
        if (value == null) return otherwise;
        if (value < 1 || value > 65535) throw new InvalidInputException(field, "a port from 1 to 65535");
        return value;
    }

    @InTeam(readOnly = true)
    public Optional<Proxy> proxy(Viewer viewer, UUID serverId) {
        return rows.proxy(viewer.teamId(), serverId);
    }

    /** What addDomain was given, validated. */
    public record NewDomain(UUID applicationId, HostName host, @Nullable String pathPrefix, @Nullable Integer port, boolean https, boolean redirectWww) {}

    /**
     * Routes a host to an application. A name routed already, by any application of any team, is CONFLICT (naming
     * neither); so is {@code www.<host>} when the domain redirects www.
     */
    @InTeam
    public Domain add(Viewer viewer, NewDomain input) {
        var application = applications.get(viewer, input.applicationId());
        var domain = rows.insertDomain(new Domain(UUID.randomUUID(), viewer.teamId(), application.id(), input.host().value(), input.pathPrefix(),
                input.port(), input.https(), input.redirectWww(), Instant.now()));
        claim(viewer, domain.id(), input.host(), "input.host");
        if (input.redirectWww()) claim(viewer, domain.id(), input.host().www("input.redirectWww"), "input.redirectWww");
        rows.changed(viewer.teamId(), application.serverId());
        wake(viewer.teamId(), application.serverId());
        return domain;
    }

    private void claim(Viewer viewer, UUID domainId, HostName host, String field) {
        if (!rows.claim(viewer.teamId(), domainId, host.value())) {
            throw new ConflictException(field, "the host " + host.value() + " is routed already (host names are unique across this Berth)");
        }
    }

    @InTeam
    public UUID remove(Viewer viewer, UUID id) {
        var domain = rows.domain(viewer.teamId(), id).orElseThrow(() -> new NotFoundException("Domain", id));
        var application = applications.get(viewer, domain.applicationId());
        rows.deleteDomain(viewer.teamId(), id);
        rows.changed(viewer.teamId(), application.serverId());
        rows.dropUpstreamUnlessRouted(viewer.teamId(), application.id());
        wake(viewer.teamId(), application.serverId());
        return id;
    }

    /** The domain's certificate, as its proxy's job last read it (rows only: no call to the server). */
    @InTeam(readOnly = true)
    public Certificates.Certificate certificate(Viewer viewer, Domain domain) {
        return certificates.of(viewer, domain);
    }

    @InTeam(readOnly = true)
    public List<Domain> domains(Viewer viewer, UUID applicationId) {
        return rows.domainsOf(viewer.teamId(), applicationId);
    }

    /**
     * True when the application has domains and its server a proxy (installed, or being installed: the switch then
     * records the upstream for the proxy's job to load): its deployments run behind the proxy. Without a proxy an
     * application keeps deploying as before (its own ports): nothing would reach a deployment on a $PORT.
     */
    @InTeam(readOnly = true)
    public boolean routed(Viewer viewer, UUID applicationId, UUID serverId) {
        return rows.hasDomains(viewer.teamId(), applicationId) && rows.proxy(viewer.teamId(), serverId).isPresent();
    }

    /** True when the application's domains send their requests to this deployment already (it switched, then its node stopped). */
    @InTeam(readOnly = true)
    public boolean serves(Viewer viewer, UUID applicationId, UUID deploymentId) {
        return rows.upstreamOf(viewer.teamId(), applicationId).map(u -> u.deploymentId().equals(deploymentId)).orElse(false);
    }

    /** A switch failed and the previous upstream could not be given back for certain: keep both containers. */
    public static final class SwitchUncertain extends RuntimeException {
        SwitchUncertain(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Loads the configuration the rows describe into the server's proxy now (throws when it does not take it). */
    public void reload(Viewer system, UUID serverId) {
        runtime.configure(system, serverId, false);
    }

    /** The $PORT of a deployment behind the proxy on the host network (allocated once; a revived run keeps it). */
    @InTeam
    public int port(Viewer viewer, UUID serverId, UUID deploymentId) {
        return rows.proxyPort(viewer.teamId(), serverId, deploymentId, properties.portsFrom(), properties.portsTo());
    }

    /** How long an old deployment keeps running after the switch, finishing what it was sent. */
    public java.time.Duration drain() {
        return properties.drain();
    }

    /**
     * Sends the application's domains to a deployment's container ({@code address}; {@code port} its $PORT, or null for
     * each domain's port) and loads the proxy's configuration; throws when the proxy did not take it (nothing recorded).
     * False when the server's proxy serves nothing yet (not installed, or never configured): its job loads it.
     */
    public boolean switchTo(Viewer system, UUID applicationId, UUID serverId, UUID deploymentId, int number, String address, @Nullable Integer port) {
        upstreamAddress(address, port);
        boolean loaded;
        try {
            loaded = runtime.switchTo(system, applicationId, new ProxyRows.Upstream(serverId, deploymentId, number, address, port));
        } catch (ProxyRuntime.Uncertain uncertain) {
            transactions.write(system, () -> {
                wake(system.teamId(), serverId); // its job loads the rows again at once
                return null;
            });
            throw new SwitchUncertain(uncertain.getMessage());
        }
        if (!loaded) transactions.write(system, () -> {
            wake(system.teamId(), serverId);
            return null;
        });
        return loaded;
    }

    /**
     * Where the proxy may send requests: on the host network (a $PORT) only the server's loopback; else only an IP
     * literal that is not a loopback or unspecified address (the Docker daemon's answer is not trusted to be one: text
     * there would reach Caddy's configuration, and a container without an address must not send a domain to the
     * server's own loopback services).
     */
    static void upstreamAddress(String address, @Nullable Integer port) {
        if (port != null) {
            if (!"127.0.0.1".equals(address)) throw new IllegalStateException("the container is not on the host network (its address is not 127.0.0.1)");
            return;
        }
        boolean literal = address.matches("(\\d{1,3}\\.){3}\\d{1,3}") || address.matches("[0-9a-fA-F:]+") && address.contains(":");
        java.net.InetAddress parsed;
        try {
            parsed = literal ? java.net.InetAddress.getByName(address) : null; // a literal: parsed, never looked up
        } catch (java.net.UnknownHostException e) {
            parsed = null;
        }
        if (parsed == null || parsed.isLoopbackAddress() || parsed.isAnyLocalAddress()) {
            throw new IllegalStateException("the container has no address on its network the proxy can send requests to");
        }
    }

    /** A deleted application's domains go (their names are free again), and its server's proxy stops routing them. */
    @EventListener
    void onApplicationChanged(ApplicationChanged changed) {
        if (changed.kind() != ApplicationChanged.Kind.DELETED) return;
        for (var server : rows.deleteDomainsOf(changed.teamId(), changed.applicationId())) {
            rows.changed(changed.teamId(), server);
            wake(changed.teamId(), server);
        }
    }

    /** The application, as the caller may see it (NOT_FOUND outside the caller's team or projects). */
    dev.berth.application.Application application(Viewer viewer, UUID applicationId) {
        return applications.get(viewer, applicationId);
    }

    /** What the proxy of the application's server should run changed: its generation moves on, and its job runs now. */
    void changed(Viewer viewer, UUID applicationId) {
        var application = applications.get(viewer, applicationId);
        rows.changed(viewer.teamId(), application.serverId());
        wake(viewer.teamId(), application.serverId());
    }

    /** Runs the server's proxy job now (when it has a proxy): it loads the configuration the rows describe. */
    private void wake(UUID teamId, UUID serverId) {
        if (rows.proxy(teamId, serverId).isEmpty()) return;
        var instance = JobQueue.instance(teamId, serverId);
        jobs.enqueue(ProxyJob.TASK, instance, Instant.now());
        jobs.runSoon(ProxyJob.TASK, List.of(instance));
    }
}
