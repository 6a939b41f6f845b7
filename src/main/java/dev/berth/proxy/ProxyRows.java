package dev.berth.proxy;

import static dev.berth.storage.Columns.instant;
import static dev.berth.storage.Columns.uuid;

import dev.berth.storage.Statements;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The proxies', domains' and upstreams' rows, in the caller's (team's) transaction. */
@Singleton
class ProxyRows {
    private static final String PROXY = "server_id, team_id, image, http_port, https_port, status, status_detail, version, configured_at";
    private static final String DOMAIN = "id, team_id, application_id, host, path_prefix, port, https, redirect_www, created_at";

    private final JdbcOperations jdbc;

    ProxyRows(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Proxy> proxy(UUID teamId, UUID serverId) {
        return Statements.list(jdbc, "SELECT " + PROXY + " FROM server_proxies WHERE team_id = ? AND server_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        }, ProxyRows::proxy).stream().findFirst();
    }

    /** Creates the server's proxy row, or sets its image and ports (INSTALLING again: the job puts the container right). */
    Proxy install(UUID teamId, UUID serverId, String image, int httpPort, int httpsPort) {
        return Statements.one(jdbc, """
                INSERT INTO server_proxies (server_id, team_id, image, http_port, https_port) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (server_id) DO UPDATE SET image = excluded.image, http_port = excluded.http_port, https_port = excluded.https_port,
                    status = 'INSTALLING', status_detail = NULL, updated_at = now()
                RETURNING""" + " " + PROXY, s -> {
            s.setObject(1, serverId);
            s.setObject(2, teamId);
            s.setString(3, image);
            s.setInt(4, httpPort);
            s.setInt(5, httpsPort);
        }, ProxyRows::proxy);
    }

    void observed(UUID teamId, UUID serverId, Proxy.Status status, @Nullable String detail, @Nullable String version, boolean configured) {
        Statements.update(jdbc, "UPDATE server_proxies SET status = ?, status_detail = ?, version = COALESCE(?, version),"
                + " configured_at = CASE WHEN ? THEN now() ELSE configured_at END, updated_at = now() WHERE team_id = ? AND server_id = ?", s -> {
            s.setString(1, status.name());
            s.setString(2, detail);
            s.setString(3, version);
            s.setBoolean(4, configured);
            s.setObject(5, teamId);
            s.setObject(6, serverId);
        });
    }

    Domain insertDomain(Domain domain) {
        Statements.update(jdbc, "INSERT INTO domains (" + DOMAIN + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setObject(1, domain.id());
            s.setObject(2, domain.teamId());
            s.setObject(3, domain.applicationId());
            s.setString(4, domain.host());
            s.setString(5, domain.pathPrefix());
            s.setObject(6, domain.port());
            s.setBoolean(7, domain.https());
            s.setBoolean(8, domain.redirectWww());
            s.setTimestamp(9, Timestamp.from(domain.createdAt()));
        });
        return domain;
    }

    /** Claims a name for a domain; false when it is routed already (by any team: the key is the whole instance's). */
    boolean claim(UUID teamId, UUID domainId, String host) {
        return Statements.update(jdbc, "INSERT INTO domain_hosts (host, domain_id, team_id) VALUES (?, ?, ?) ON CONFLICT (host) DO NOTHING", s -> {
            s.setString(1, host);
            s.setObject(2, domainId);
            s.setObject(3, teamId);
        }) == 1;
    }

    Optional<Domain> domain(UUID teamId, UUID id) {
        return Statements.list(jdbc, "SELECT " + DOMAIN + " FROM domains WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        }, ProxyRows::domain).stream().findFirst();
    }

    void deleteDomain(UUID teamId, UUID id) {
        Statements.update(jdbc, "DELETE FROM domains WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, id);
        });
    }

    /** Removes an application's domains (it is deleted): their names are free again. The servers they were routed on. */
    List<UUID> deleteDomainsOf(UUID teamId, UUID applicationId) {
        return Statements.list(jdbc, "DELETE FROM domains d USING applications a WHERE d.team_id = ? AND d.application_id = ? AND a.id = d.application_id"
                + " RETURNING a.server_id", s -> {
            s.setObject(1, teamId);
            s.setObject(2, applicationId);
        }, r -> uuid(r, 1)).stream().distinct().toList();
    }

    List<Domain> domainsOf(UUID teamId, UUID applicationId) {
        return Statements.list(jdbc, "SELECT " + DOMAIN + " FROM domains WHERE team_id = ? AND application_id = ? ORDER BY host", s -> {
            s.setObject(1, teamId);
            s.setObject(2, applicationId);
        }, ProxyRows::domain);
    }

    boolean hasDomains(UUID teamId, UUID applicationId) {
        return !Statements.list(jdbc, "SELECT 1 FROM domains WHERE team_id = ? AND application_id = ? LIMIT 1", s -> {
            s.setObject(1, teamId);
            s.setObject(2, applicationId);
        }, r -> 1).isEmpty();
    }

    /** Stores (or, with null, removes) a domain's uploaded certificate; its key arrives sealed. */
    void upload(UUID teamId, UUID domainId, @Nullable UploadedCertificate certificate, @Nullable String keySealed) {
        Statements.update(jdbc, "UPDATE domains SET uploaded_chain_pem = ?, uploaded_key_sealed = ?, uploaded_not_before = ?, uploaded_not_after = ?,"
                + " uploaded_issuer = ?, acme_since = CASE WHEN uploaded_chain_pem IS NOT NULL AND ?::text IS NULL THEN now() ELSE acme_since END,"
                + " cert_issuer = NULL, cert_not_before = NULL, cert_not_after = NULL WHERE team_id = ? AND id = ?", s -> {
            s.setString(1, certificate == null ? null : certificate.chainPem());
            s.setString(2, keySealed);
            s.setTimestamp(3, certificate == null ? null : Timestamp.from(certificate.notBefore()));
            s.setTimestamp(4, certificate == null ? null : Timestamp.from(certificate.notAfter()));
            s.setString(5, certificate == null ? null : certificate.issuer());
            s.setString(6, certificate == null ? null : "uploaded");
            s.setObject(7, teamId);
            s.setObject(8, domainId);
        });
    }

    /** A domain's uploaded certificate: its chain and sealed key (for the proxy's configuration). */
    record Uploaded(UUID domainId, String host, String chainPem, String keySealed) {}

    List<Uploaded> uploaded(UUID teamId, UUID serverId) {
        return Statements.list(jdbc, "SELECT d.id, d.host, d.uploaded_chain_pem, d.uploaded_key_sealed FROM domains d"
                + " JOIN applications a ON a.id = d.application_id AND a.deleted_at IS NULL"
                + " WHERE d.team_id = ? AND a.server_id = ? AND d.https AND d.uploaded_chain_pem IS NOT NULL ORDER BY d.host", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        }, r -> new Uploaded(uuid(r, 1), r.getString(2), r.getString(3), r.getString(4)));
    }

    /** A domain routed on a server, with where its application's requests go now (null: no deployment switched yet). */
    record Routed(Domain domain, @Nullable String upstreamHost, @Nullable Integer upstreamPort, int applicationPort) {}

    /** Every domain of the server's applications (not deleted), with their current upstreams on that server. */
    List<Routed> routes(UUID teamId, UUID serverId) {
        return Statements.list(jdbc, "SELECT d.id, d.team_id, d.application_id, d.host, d.path_prefix, d.port, d.https, d.redirect_www, d.created_at,"
                + " u.host, u.port,"
                // on a bridge network, a domain without a port goes to the application's health-checked port, else its first
                + " COALESCE((a.settings->'healthCheck'->>'port')::int, (a.settings->'ports'->0->>'containerPort')::int, 80)"
                + " FROM domains d JOIN applications a ON a.id = d.application_id AND a.deleted_at IS NULL"
                + " LEFT JOIN proxy_upstreams u ON u.application_id = a.id AND u.server_id = a.server_id"
                + " WHERE d.team_id = ? AND a.server_id = ? ORDER BY d.host", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        }, r -> new Routed(domain(r), r.getString(10), (Integer) r.getObject(11), r.getInt(12)));
    }

    /** Where an application's domains send their requests: a deployment's address. */
    record Upstream(UUID serverId, UUID deploymentId, int deploymentNumber, String host, @Nullable Integer port) {}

    /**
     * Records that the application's domains now send requests to this deployment's address, unless a newer deployment
     * already took them (an older run never takes them back); false then.
     */
    boolean upstream(UUID teamId, UUID applicationId, Upstream upstream) {
        return Statements.update(jdbc, """
                INSERT INTO proxy_upstreams (application_id, team_id, server_id, deployment_id, deployment_number, host, port) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (application_id) DO UPDATE SET server_id = excluded.server_id, deployment_id = excluded.deployment_id,
                    deployment_number = excluded.deployment_number, host = excluded.host, port = excluded.port, switched_at = now()
                WHERE proxy_upstreams.deployment_number <= excluded.deployment_number""", s -> {
            s.setObject(1, applicationId);
            s.setObject(2, teamId);
            s.setObject(3, upstream.serverId());
            s.setObject(4, upstream.deploymentId());
            s.setInt(5, upstream.deploymentNumber());
            s.setString(6, upstream.host());
            s.setObject(7, upstream.port());
        }) == 1;
    }

    Optional<Upstream> upstreamOf(UUID teamId, UUID applicationId) {
        return Statements.list(jdbc, "SELECT server_id, deployment_id, deployment_number, host, port FROM proxy_upstreams WHERE team_id = ? AND application_id = ?",
                s -> {
                    s.setObject(1, teamId);
                    s.setObject(2, applicationId);
                }, r -> new Upstream(uuid(r, 1), uuid(r, 2), r.getInt(3), r.getString(4), (Integer) r.getObject(5))).stream().findFirst();
    }

    /** Puts an upstream back as it was before a switch that failed (none: removed). */
    void restoreUpstream(UUID teamId, UUID applicationId, UUID deploymentId, @Nullable Upstream previous) {
        Statements.update(jdbc, "DELETE FROM proxy_upstreams WHERE team_id = ? AND application_id = ? AND deployment_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, applicationId);
            s.setObject(3, deploymentId);
        });
        if (previous != null) upstream(teamId, applicationId, previous);
    }

    /** Forgets where an application's domains went (its last domain was removed): a domain added later waits for a deployment. */
    void dropUpstreamUnlessRouted(UUID teamId, UUID applicationId) {
        Statements.update(jdbc, "DELETE FROM proxy_upstreams u WHERE u.team_id = ? AND u.application_id = ?"
                + " AND NOT EXISTS (SELECT 1 FROM domains d WHERE d.application_id = u.application_id)", s -> {
            s.setObject(1, teamId);
            s.setObject(2, applicationId);
        });
    }

    /** What the server's proxy should run changed: its generation moves on. */
    void changed(UUID teamId, UUID serverId) {
        Statements.update(jdbc, "UPDATE server_proxies SET generation = generation + 1 WHERE team_id = ? AND server_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        });
    }

    long generation(UUID teamId, UUID serverId) {
        return Statements.list(jdbc, "SELECT generation FROM server_proxies WHERE team_id = ? AND server_id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        }, r -> r.getLong(1)).stream().findFirst().orElse(-1L);
    }

    /** A certificate the proxy holds, as read from its storage. */
    record HeldCertificate(String issuer, Instant notBefore, Instant notAfter, boolean uploaded) {
        HeldCertificate(String issuer, Instant notBefore, Instant notAfter) {
            this(issuer, notBefore, notAfter, false);
        }
    }

    /** An HTTPS domain routed on a server, with the certificate status last announced for it. */
    record Watched(UUID domainId, UUID applicationId, UUID projectId, String host, Instant acmeSince, @Nullable String announced,
                   @Nullable HeldCertificate uploaded) {}

    List<Watched> watched(UUID teamId, UUID serverId) {
        return Statements.list(jdbc, "SELECT d.id, d.application_id, a.project_id, d.host, d.acme_since, d.cert_status, d.uploaded_issuer,"
                + " d.uploaded_not_before, d.uploaded_not_after FROM domains d"
                + " JOIN applications a ON a.id = d.application_id AND a.deleted_at IS NULL WHERE d.team_id = ? AND a.server_id = ? AND d.https", s -> {
            s.setObject(1, teamId);
            s.setObject(2, serverId);
        }, r -> new Watched(uuid(r, 1), uuid(r, 2), uuid(r, 3), r.getString(4), instant(r, 5), r.getString(6),
                r.getTimestamp(9) == null ? null : new HeldCertificate(r.getString(7), instant(r, 8), instant(r, 9), true)));
    }

    /** Records the certificate the proxy holds for a domain (null: none yet) and the status announced for it. */
    void certificate(UUID teamId, UUID domainId, @Nullable HeldCertificate held, String status) {
        Statements.update(jdbc, "UPDATE domains SET cert_issuer = ?, cert_not_before = ?, cert_not_after = ?, cert_checked_at = now(), cert_status = ?"
                + " WHERE team_id = ? AND id = ?", s -> {
            s.setString(1, held == null ? null : held.issuer());
            s.setTimestamp(2, held == null ? null : Timestamp.from(held.notBefore()));
            s.setTimestamp(3, held == null ? null : Timestamp.from(held.notAfter()));
            s.setString(4, status);
            s.setObject(5, teamId);
            s.setObject(6, domainId);
        });
    }

    /** Since when ACME is asked for the domain's certificate. */
    Instant acmeSince(UUID teamId, UUID domainId) {
        return Statements.list(jdbc, "SELECT acme_since FROM domains WHERE team_id = ? AND id = ?", s -> {
            s.setObject(1, teamId);
            s.setObject(2, domainId);
        }, r -> instant(r, 1)).stream().findFirst().orElse(Instant.now());
    }

    /** The certificate recorded for a domain, or null when none was seen. */
    @Nullable HeldCertificate certificate(UUID teamId, UUID domainId) {
        return Statements.list(jdbc, """
                SELECT COALESCE(uploaded_issuer, cert_issuer), COALESCE(uploaded_not_before, cert_not_before), COALESCE(uploaded_not_after, cert_not_after),
                       uploaded_chain_pem IS NOT NULL
                FROM domains WHERE team_id = ? AND id = ? AND COALESCE(uploaded_not_after, cert_not_after) IS NOT NULL""",
                s -> {
                    s.setObject(1, teamId);
                    s.setObject(2, domainId);
                }, r -> new HeldCertificate(r.getString(1), instant(r, 2), instant(r, 3), r.getBoolean(4))).stream().findFirst().orElse(null);
    }

    /**
     * The $PORT of a deployment behind the proxy on the host network: the one it has (a revived run keeps it), else the
     * lowest port of the range that no deployment on the server that may still run (or still serves) holds.
     */
    int proxyPort(UUID teamId, UUID serverId, UUID deploymentId, int from, int to) {
        Statements.list(jdbc, "SELECT pg_advisory_xact_lock(hashtextextended('proxy-ports:' || ?::text, 0))", s -> s.setObject(1, serverId), r -> 1);
        var own = Statements.list(jdbc, "SELECT proxy_port FROM deployments WHERE team_id = ? AND id = ? AND proxy_port IS NOT NULL", s -> {
            s.setObject(1, teamId);
            s.setObject(2, deploymentId);
        }, r -> r.getInt(1));
        if (!own.isEmpty()) return own.getFirst();
        // held: the ports of deployments not ended, of those whose container serves behind the proxy now, and of those
        // ended within the last hour (a container draining, or one whose retirement failed and waits for the next
        // deployment's clean-up, may still listen); and the proxy's own ports
        var held = new java.util.HashSet<>(Statements.list(jdbc, """
                SELECT d.proxy_port FROM deployments d WHERE d.server_id = ? AND d.proxy_port IS NOT NULL
                  AND (d.status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED') OR d.finished_at IS NULL OR d.finished_at > now() - interval '1 hour'
                       OR EXISTS (SELECT 1 FROM proxy_upstreams u WHERE u.deployment_id = d.id))
                UNION SELECT http_port FROM server_proxies WHERE server_id = ? UNION SELECT https_port FROM server_proxies WHERE server_id = ?""", s -> {
            s.setObject(1, serverId);
            s.setObject(2, serverId);
            s.setObject(3, serverId);
        }, r -> r.getInt(1)));
        for (int port = from; port <= to; port++) {
            if (held.contains(port)) continue;
            int chosen = port;
            Statements.update(jdbc, "UPDATE deployments SET proxy_port = ? WHERE team_id = ? AND id = ?", s -> {
                s.setInt(1, chosen);
                s.setObject(2, teamId);
                s.setObject(3, deploymentId);
            });
            return chosen;
        }
        throw new dev.berth.errors.ConflictException("every port from " + from + " to " + to + " of the server is held by a deployment behind its proxy");
    }

    private static Proxy proxy(ResultSet r) throws SQLException {
        return new Proxy(uuid(r, 1), uuid(r, 2), r.getString(3), r.getInt(4), r.getInt(5), Proxy.Status.valueOf(r.getString(6)), r.getString(7),
                r.getString(8), instant(r, 9));
    }

    private static Domain domain(ResultSet r) throws SQLException {
        return new Domain(uuid(r, 1), uuid(r, 2), uuid(r, 3), r.getString(4), r.getString(5), (Integer) r.getObject(6), r.getBoolean(7),
                r.getBoolean(8), instant(r, 9));
    }
}
