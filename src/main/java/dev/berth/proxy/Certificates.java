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
    record Certificate(@Nullable String issuer, @Nullable Instant notBefore, @Nullable Instant notAfter, String status, boolean uploaded) {}

    private final ServerCommands commands;
    private final ProxyRows rows;
    private final TeamTransactions transactions;

    private final io.micronaut.context.event.ApplicationEventPublisher<DomainChanged> changes;

    Certificates(ServerCommands commands, ProxyRows rows, TeamTransactions transactions,
                 io.micronaut.context.event.ApplicationEventPublisher<DomainChanged> changes) {
        this.changes = changes;
        this.commands = commands;
        this.rows = rows;
        this.transactions = transactions;
    }

    /** A domain still without a certificate this long after ACME was asked for it: the CA could not check the name (DNS?). */
    static final Duration OVERDUE = Duration.ofMinutes(10);

    /** The domain's certificate as last read from its proxy. */
    Certificate of(Viewer viewer, Domain domain) {
        if (!domain.https()) return new Certificate(null, null, null, "NONE", false);
        var held = rows.certificate(viewer.teamId(), domain.id());
        var status = status(held, held == null ? rows.acmeSince(viewer.teamId(), domain.id()) : domain.createdAt(), Instant.now());
        return held == null ? new Certificate(null, null, null, status, false)
                : new Certificate(held.issuer(), held.notBefore(), held.notAfter(), status, held.uploaded());
    }

    /** Pure: a certificate's status at {@code now}, for a domain added at {@code added}. */
    static String status(ProxyRows.@Nullable HeldCertificate held, Instant added, Instant now) {
        if (held == null) return added.plus(OVERDUE).isBefore(now) ? "OVERDUE" : "PENDING";
        return held.notAfter().isBefore(now) ? "EXPIRED" : held.notAfter().isBefore(now.plus(EXPIRING)) ? "EXPIRING" : "VALID";
    }

    /**
     * Reads what the proxy of the server holds for its HTTPS domains' hosts and records it (the proxy job, each pass);
     * a status that changed is announced on the team's domains channel (issued, expiring, expired, overdue).
     */
    void refresh(Viewer system, UUID serverId, String container) {
        var watched = transactions.read(system, () -> rows.watched(system.teamId(), serverId));
        if (watched.isEmpty()) return;
        var routed = new java.util.HashSet<String>();
        watched.forEach(w -> routed.add(w.host()));
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
                    byHost.put(host, new ProxyRows.HeldCertificate(UploadedCertificate.issuer(certificate), certificate.getNotBefore().toInstant(),
                            certificate.getNotAfter().toInstant()));
                }
            } catch (CertificateException | ClassCastException e) {
                LOG.debug("event=certificate-unparsed server={}", serverId);
            }
        }
        var now = Instant.now();
        transactions.write(system, () -> {
            for (var domain : watched) {
                var held = domain.uploaded() != null ? null : byHost.get(domain.host()); // an uploaded one is its own
                var shown = domain.uploaded() != null ? domain.uploaded() : held;
                var status = status(shown, domain.acmeSince(), now);
                rows.certificate(system.teamId(), domain.domainId(), held, status);
                // the first PENDING of a new domain is not news; every later change is
                if (!status.equals(domain.announced()) && !(domain.announced() == null && status.equals("PENDING"))) {
                    changes.publishEvent(new DomainChanged(system.teamId(), domain.projectId(), domain.applicationId(), domain.domainId(), domain.host(),
                            status, now));
                }
            }
            return null;
        });
    }

}
