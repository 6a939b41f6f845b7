package dev.berth.proxy;

import dev.berth.api.Arguments;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import dev.berth.application.Application;
import dev.berth.errors.InvalidInputException;
import dev.berth.server.Server;
import dev.berth.server.ServerService;
import graphql.schema.idl.RuntimeWiring;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.Map;

/** Fetchers of {@code schema/proxy.graphqls}. */
@Singleton
final class ProxyWiring implements WiringContribution {
    private final ProxyService proxies;
    private final ServerService servers;
    private final dev.berth.events.EventBus events;

    private final UploadedCertificates uploaded;

    ProxyWiring(ProxyService proxies, ServerService servers, dev.berth.events.EventBus events, UploadedCertificates uploaded) {
        this.uploaded = uploaded;
        this.events = events;
        this.proxies = proxies;
        this.servers = servers;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Server", t -> t.dataFetcher("proxy", env -> proxies.proxy(Viewer.from(env), env.<Server>getSource().id()).orElse(null)));
        wiring.type("Application", t -> t.dataFetcher("domains", env -> proxies.domains(Viewer.from(env), env.<Application>getSource().id())));
        wiring.type("Domain", t -> t.dataFetcher("certificate", env -> proxies.certificate(Viewer.from(env), env.getSource())));
        wiring.type("Subscription", t -> t.dataFetcher("domainEvents",
                env -> events.subscribe(DomainChanged.channel(Viewer.from(env).teamId()), DomainChanged.class)));
        wiring.type("Mutation", t -> t
                .dataFetcher("installProxy", env -> {
                    var input = Arguments.input(env);
                    var viewer = Viewer.from(env);
                    var proxy = proxies.install(viewer, new ProxyService.Install(Arguments.id("input.serverId", input.get("serverId")),
                            input.get("image") instanceof String image ? image : null, integer(input.get("httpPort")), integer(input.get("httpsPort"))));
                    return Map.of("server", servers.server(viewer, proxy.serverId()));
                })
                .dataFetcher("addDomain", env -> {
                    var input = Arguments.input(env);
                    var port = integer(input.get("port"));
                    if (port != null && (port < 1 || port > 65535)) throw new InvalidInputException("input.port", "a port from 1 to 65535");
                    return Map.of("domain", proxies.add(Viewer.from(env), new ProxyService.NewDomain(Arguments.id("input.applicationId", input.get("applicationId")),
                            HostName.of("input.host", input.get("host")), PathPrefix.of("input.pathPrefix", input.get("pathPrefix")), port,
                            !Boolean.FALSE.equals(input.get("https")), Boolean.TRUE.equals(input.get("redirectWww")))));
                })
                .dataFetcher("setDomainCertificate", env -> {
                    var input = Arguments.input(env);
                    return Map.of("domain", uploaded.set(Viewer.from(env), Arguments.id("input.domainId", input.get("domainId")),
                            input.get("certificatePem"), input.get("privateKeyPem")));
                })
                .dataFetcher("removeDomainCertificate", env -> Map.of("domain",
                        uploaded.set(Viewer.from(env), Arguments.id("input.domainId", Arguments.input(env).get("domainId")), null, null)))
                .dataFetcher("removeDomain", env -> Map.of("removedDomainId",
                        proxies.remove(Viewer.from(env), Arguments.id("input.id", Arguments.input(env).get("id"))))));
    }

    private static @Nullable Integer integer(@Nullable Object value) {
        return value == null ? null : ((Number) value).intValue();
    }
}
