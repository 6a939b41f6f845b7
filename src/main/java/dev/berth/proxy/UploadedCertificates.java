package dev.berth.proxy;

import dev.berth.api.Viewer;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.secrets.SecretBox;
import dev.berth.storage.InTeam;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.UUID;

/**
 * Certificates a team uploads for its HTTPS domains instead of ACME's: checked ({@link UploadedCertificate}), the key
 * sealed with the domain's id as context, and loaded into the proxy with the rest of its configuration.
 */
@Singleton
public class UploadedCertificates {
    private final ProxyRows rows;
    private final ProxyService proxies;
    private final SecretBox box;

    UploadedCertificates(ProxyRows rows, ProxyService proxies, SecretBox box) {
        this.rows = rows;
        this.proxies = proxies;
        this.box = box;
    }

    static String sealContext(UUID domainId) {
        return "domain-certificate:" + domainId;
    }

    /** Sets (or, with null PEMs, removes: back to ACME) a domain's own certificate. */
    @InTeam
    public Domain set(Viewer viewer, UUID domainId, @Nullable Object certificatePem, @Nullable Object privateKeyPem) {
        var domain = rows.domain(viewer.teamId(), domainId).orElseThrow(() -> new NotFoundException("Domain", domainId));
        proxies.application(viewer, domain.applicationId()); // the caller's projects first: another project's domain is NOT_FOUND
        if (certificatePem == null && privateKeyPem == null) {
            rows.upload(viewer.teamId(), domainId, null, null);
        } else {
            if (!domain.https()) throw new InvalidInputException("input.domainId", "the domain is served over plain HTTP (https: false)");
            var certificate = UploadedCertificate.parse(new HostName(domain.host()), certificatePem, privateKeyPem, Instant.now());
            rows.upload(viewer.teamId(), domainId, certificate, box.seal(certificate.keyPem(), sealContext(domainId)));
        }
        proxies.changed(viewer, domain.applicationId());
        return domain;
    }
}
