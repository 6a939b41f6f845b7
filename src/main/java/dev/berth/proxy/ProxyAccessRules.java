package dev.berth.proxy;

import static dev.berth.api.Access.MANAGE_TEAM;
import static dev.berth.api.Access.READ;
import static dev.berth.api.Access.WRITE;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import jakarta.inject.Singleton;
import java.util.Map;

/** Who may resolve the fields of {@code schema/proxy.graphqls}: a proxy is the server's (as managing servers), domains the application's. */
@Singleton
final class ProxyAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Mutation.installProxy", MANAGE_TEAM),
                Map.entry("Mutation.addDomain", WRITE),
                Map.entry("Mutation.removeDomain", WRITE),
                Map.entry("Mutation.setDomainCertificate", WRITE),
                Map.entry("Mutation.removeDomainCertificate", WRITE),
                Map.entry("DomainCertificatePayload.*", READ),
                Map.entry("Server.proxy", READ),
                Map.entry("Application.domains", READ),
                Map.entry("Proxy.*", READ),
                Map.entry("Domain.*", READ),
                Map.entry("Certificate.*", READ),
                Map.entry("Subscription.domainEvents", READ),
                Map.entry("DomainEvent.*", READ),
                Map.entry("InstallProxyPayload.*", READ),
                Map.entry("AddDomainPayload.*", READ),
                Map.entry("RemoveDomainPayload.*", READ));
    }
}
