package dev.berth.proxy;

import dev.berth.api.Viewer;
import dev.berth.server.ServerCommands;
import dev.berth.storage.TeamTransactions;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates a server's proxy holds: read by its job from Caddy's storage in the container ({@code
 * /data/caddy/certificates/<issuer>/<host>/<host>.crt}, bounded in bytes and entries) and recorded on the domains'
 * rows; the API reads only the rows.
 */
@Singleton
class Certificates {
    private static final Logger LOG = LoggerFactory.getLogger(Certificates.class);
    static final Duration EXPIRING = Duration.ofDays(14);
    private static final int MAX_BYTES = 8 * 1024 * 1024;

    /** A certificate as the API shows it. */
    record Certificate(@Nullable String issuer, @Nullable Instant notBefore, @Nullable Instant notAfter, String status) {}

    private final ServerCommands commands;
    private final ProxyRows rows;
    private final TeamTransactions transactions;

    Certificates(ServerCommands commands, ProxyRows rows, TeamTransactions transactions) {
        this.commands = commands;
        this.rows = rows;
        this.transactions = transactions;
    }

    /** The domain's certificate as last read from its proxy. */
    Certificate of(Viewer viewer, Domain domain) {
        if (!domain.https()) return new Certificate(null, null, null, "NONE");
        var held = rows.certificate(viewer.teamId(), domain.id());
        if (held == null) return new Certificate(null, null, null, "PENDING");
        var now = Instant.now();
        var status = held.notAfter().isBefore(now) ? "EXPIRED" : held.notAfter().isBefore(now.plus(EXPIRING)) ? "EXPIRING" : "VALID";
        return new Certificate(held.issuer(), held.notBefore(), held.notAfter(), status);
    }

    /** Reads what the proxy of the server holds for its domains' hosts, and records it (the proxy job, each pass). */
    void refresh(Viewer system, UUID serverId, String container) {
        var routed = new java.util.HashSet<String>();
        transactions.read(system, () -> rows.routes(system.teamId(), serverId)).forEach(r -> routed.add(r.domain().host()));
        if (routed.isEmpty()) return;
        var files = commands.containers(system, serverId).readFiles(container, "/data/caddy/certificates", MAX_BYTES);
        var byHost = new HashMap<String, ProxyRows.HeldCertificate>();
        for (var file : files.entrySet()) {
            var parts = file.getKey().split("/");
            if (parts.length < 2 || !parts[parts.length - 1].equals(parts[parts.length - 2] + ".crt")) continue;
            var host = parts[parts.length - 2];
            if (!routed.contains(host)) continue;
            try {
                var certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(file.getValue()));
                var known = byHost.get(host);
                if (known == null || known.notAfter().isBefore(certificate.getNotAfter().toInstant())) {
                    byHost.put(host, new ProxyRows.HeldCertificate(issuer(certificate), certificate.getNotBefore().toInstant(),
                            certificate.getNotAfter().toInstant()));
                }
            } catch (CertificateException | ClassCastException e) {
                LOG.debug("event=certificate-unparsed server={}", serverId);
            }
        }
        transactions.write(system, () -> {
            rows.certificates(system.teamId(), serverId, byHost);
            return null;
        });
    }

    /** The issuer's common name (its whole name when it has none), at most 200 characters. */
    private static String issuer(X509Certificate certificate) {
        var name = certificate.getIssuerX500Principal().getName();
        var cn = java.util.Arrays.stream(name.split(",")).filter(part -> part.startsWith("CN=")).map(part -> part.substring(3)).findFirst().orElse(name);
        return cn.length() > 200 ? cn.substring(0, 200) : cn;
    }
}
