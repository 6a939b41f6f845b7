package dev.berth.proxy;

import dev.berth.api.Viewer;
import dev.berth.execution.Reasons;
import dev.berth.server.ServerCommands;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates a server's proxy holds, read from Caddy's storage in its container ({@code
 * /data/caddy/certificates/<issuer>/<host>/<host>.crt}) at most every {@link #FRESH} per server, and bounded in bytes.
 */
@Singleton
class Certificates {
    private static final Logger LOG = LoggerFactory.getLogger(Certificates.class);
    static final Duration FRESH = Duration.ofSeconds(10);
    static final Duration EXPIRING = Duration.ofDays(14);
    private static final int MAX_BYTES = 8 * 1024 * 1024;

    /** A certificate as the API shows it. */
    record Certificate(@Nullable String issuer, @Nullable Instant notBefore, @Nullable Instant notAfter, String status) {}

    private record Read(Instant at, Map<String, X509Certificate> byHost) {}

    private final ServerCommands commands;
    private final ProxyRows rows;
    private final dev.berth.storage.TeamTransactions transactions;
    private final Map<UUID, Read> cache = new ConcurrentHashMap<>();

    Certificates(ServerCommands commands, ProxyRows rows, dev.berth.storage.TeamTransactions transactions) {
        this.commands = commands;
        this.rows = rows;
        this.transactions = transactions;
    }

    /** The domain's certificate, or null when the proxy cannot be read now (or the server has none). */
    @Nullable Certificate of(Viewer viewer, Domain domain) {
        if (!domain.https()) return new Certificate(null, null, null, "NONE");
        var serverId = transactions.read(viewer, () -> rows.serverOf(viewer.teamId(), domain.applicationId()));
        if (serverId == null || transactions.read(viewer, () -> rows.proxy(viewer.teamId(), serverId)).isEmpty()) return null;
        var read = cache.get(serverId);
        if (read == null || read.at().plus(FRESH).isBefore(Instant.now())) {
            try {
                read = new Read(Instant.now(), read(viewer, serverId));
            } catch (RuntimeException e) {
                LOG.debug("event=certificates-unread server={} reason={}", serverId, Reasons.plain(e));
                return null;
            }
            cache.put(serverId, read);
        }
        var certificate = read.byHost().get(domain.host());
        if (certificate == null) return new Certificate(null, null, null, "PENDING");
        var notAfter = certificate.getNotAfter().toInstant();
        var now = Instant.now();
        var status = notAfter.isBefore(now) ? "EXPIRED" : notAfter.isBefore(now.plus(EXPIRING)) ? "EXPIRING" : "VALID";
        return new Certificate(certificate.getIssuerX500Principal().getName(), certificate.getNotBefore().toInstant(), notAfter, status);
    }

    private Map<String, X509Certificate> read(Viewer viewer, UUID serverId) {
        var containers = commands.containers(viewer, serverId);
        var proxy = containers.list(Map.of(ProxyRuntime.LABEL, serverId.toString())).stream().findFirst().orElse(null);
        if (proxy == null) return Map.of();
        var files = containers.readFiles(proxy.id(), "/data/caddy/certificates", MAX_BYTES);
        var byHost = new java.util.HashMap<String, X509Certificate>();
        for (var file : files.entrySet()) {
            var parts = file.getKey().split("/");
            if (parts.length < 2 || !parts[parts.length - 1].equals(parts[parts.length - 2] + ".crt")) continue;
            try {
                var certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(file.getValue()));
                var host = parts[parts.length - 2];
                var known = byHost.get(host);
                if (known == null || known.getNotAfter().before(certificate.getNotAfter())) byHost.put(host, certificate);
            } catch (CertificateException | ClassCastException e) {
                LOG.debug("event=certificate-unparsed server={} file={}", serverId, file.getKey());
            }
        }
        return byHost;
    }
}
