package dev.berth.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.UUID;

/**
 * Pure: the whole Caddy configuration of one server's proxy, as a JSON tree built from validated values (a
 * {@link HostName}, a {@link PathPrefix}, numbers): no configuration text is ever assembled from user input. The admin
 * endpoint stays on its Unix socket in every configuration Berth loads (a configuration without {@code admin} would
 * move it to TCP). HTTPS domains are served on the HTTPS port with certificates from the ACME issuer (plain HTTP
 * redirects there); the others on the HTTP port only.
 */
public final class CaddyConfig {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private CaddyConfig() {}

    /** Where the admin socket and Berth's files are inside the proxy's container (a directory of the server, mounted). */
    public static final String RUN_DIR = "/run/berth-proxy";
    public static final String ADMIN_SOCKET = RUN_DIR + "/admin.sock";
    /** The ACME directory's trusted roots (a private CA's), copied in at install when configured. */
    public static final String ACME_ROOTS = RUN_DIR + "/acme-roots.pem";

    /** The proxy's settings: its ports, and the ACME account its certificates come from. */
    public record Settings(int httpPort, int httpsPort, String acmeDirectory, @Nullable String acmeEmail, boolean acmeRoots) {}

    /** One domain's route: where its application's requests go now (null: no deployment switched to yet). */
    public record Route(UUID domainId, HostName host, @Nullable String pathPrefix, boolean https, boolean redirectWww,
                        @Nullable String upstreamHost, @Nullable Integer upstreamPort, @Nullable Loaded certificate) {
        public Route(UUID domainId, HostName host, @Nullable String pathPrefix, boolean https, boolean redirectWww, @Nullable String upstreamHost,
                     @Nullable Integer upstreamPort) {
            this(domainId, host, pathPrefix, https, redirectWww, upstreamHost, upstreamPort, null);
        }
    }

    /** A certificate the team uploaded for a domain: its chain and its key, in the clear only inside the loaded configuration. */
    public record Loaded(String chainPem, dev.berth.secrets.Secret keyPem) {}

    /** The configuration Caddy starts from before Berth loads its own: the admin endpoint on its socket, nothing else. */
    public static ObjectNode initial() {
        var config = JSON.objectNode();
        config.set("admin", admin());
        return config;
    }

    public static ObjectNode of(Settings settings, List<Route> routes) {
        var config = JSON.objectNode();
        config.set("admin", admin());
        var http = JSON.objectNode();
        http.put("http_port", settings.httpPort());
        http.put("https_port", settings.httpsPort());
        var servers = http.putObject("servers");
        var secure = servers.putObject("berth_https");
        secure.putArray("listen").add(":" + settings.httpsPort());
        secure.putArray("protocols").add("h1").add("h2"); // HTTP/3 would need the UDP port announced: not offered yet
        var secureRoutes = secure.putArray("routes");
        var plain = servers.putObject("berth_http");
        plain.putArray("listen").add(":" + settings.httpPort());
        plain.putArray("protocols").add("h1").add("h2");
        var plainRoutes = plain.putArray("routes");
        var subjects = JSON.arrayNode();
        var loaded = JSON.arrayNode();
        var skipped = JSON.arrayNode();
        for (var route : routes) {
            var target = route.https() ? secureRoutes : plainRoutes;
            target.add(route(route));
            if (route.https() && route.certificate() != null) {
                // its own certificate: loaded as given, and never asked of the ACME CA
                var pem = loaded.addObject();
                pem.put("certificate", route.certificate().chainPem());
                pem.put("key", route.certificate().keyPem().value());
                pem.putArray("tags").add(routeId(route.domainId()));
                skipped.add(route.host().value());
            } else if (route.https()) {
                subjects.add(route.host().value());
            }
            if (route.redirectWww()) {
                target.add(redirect(route));
                if (route.https()) subjects.add(route.host().www().value());
            }
        }
        if (!skipped.isEmpty()) {
            var automatic = secure.putObject("automatic_https");
            automatic.set("skip_certificates", skipped);
            automatic.put("ignore_loaded_certificates", true); // an uploaded certificate never stops ACME for another name
        }
        secureRoutes.add(notFound());
        plainRoutes.add(notFound());
        var apps = config.putObject("apps");
        apps.set("http", http);
        if (!loaded.isEmpty()) apps.putObject("tls").putObject("certificates").set("load_pem", loaded);
        if (!subjects.isEmpty()) {
            var tls = apps.has("tls") ? (ObjectNode) apps.get("tls") : apps.putObject("tls");
            var policies = tls.putObject("automation").putArray("policies");
            policy(policies.addObject(), settings).set("subjects", subjects);
            // every other name Caddy may meet goes to the same CA: never to its default public ones
            policy(policies.addObject(), settings);
        }
        return config;
    }

    private static ObjectNode policy(ObjectNode policy, Settings settings) {
        var issuer = policy.putArray("issuers").addObject();
        issuer.put("module", "acme");
        issuer.put("ca", settings.acmeDirectory());
        if (settings.acmeEmail() != null) issuer.put("email", settings.acmeEmail());
        if (settings.acmeRoots()) issuer.putArray("trusted_roots_pem_files").add(ACME_ROOTS);
        return policy;
    }

    private static ObjectNode admin() {
        var admin = JSON.objectNode();
        admin.put("listen", "unix/" + ADMIN_SOCKET);
        admin.putArray("origins").add(CaddyAdmin.ORIGIN);
        return admin;
    }

    /** The id Caddy knows a domain's route by ({@code /id/...} in its admin API). */
    static String routeId(UUID domainId) {
        return "berth-domain-" + domainId;
    }

    private static ObjectNode route(Route route) {
        var node = JSON.objectNode();
        node.put("@id", routeId(route.domainId()));
        node.set("match", match(route.host(), route.pathPrefix()));
        var handle = node.putArray("handle");
        if (route.upstreamHost() == null || route.upstreamPort() == null) {
            var none = handle.addObject();
            none.put("handler", "static_response");
            none.put("status_code", 503);
            none.put("body", "No deployment of this application serves yet.");
        } else {
            var proxy = handle.addObject();
            proxy.put("handler", "reverse_proxy");
            proxy.putArray("upstreams").addObject().put("dial", dial(route.upstreamHost(), route.upstreamPort()));
        }
        node.put("terminal", true);
        return node;
    }

    /** {@code www.<host>} answers with a permanent redirect to the host, keeping the path and query. */
    private static ObjectNode redirect(Route route) {
        var node = JSON.objectNode();
        node.put("@id", routeId(route.domainId()) + "-www");
        node.set("match", match(route.host().www(), null));
        var handler = node.putArray("handle").addObject();
        handler.put("handler", "static_response");
        handler.put("status_code", 308);
        handler.putObject("headers").putArray("Location").add((route.https() ? "https://" : "http://") + route.host().value() + "{http.request.uri}");
        node.put("terminal", true);
        return node;
    }

    private static ArrayNode match(HostName host, @Nullable String pathPrefix) {
        var matchers = JSON.arrayNode();
        var matcher = matchers.addObject();
        matcher.putArray("host").add(host.value());
        if (pathPrefix != null) matcher.putArray("path").add(pathPrefix).add(pathPrefix + "/*");
        return matchers;
    }

    private static ObjectNode notFound() {
        var node = JSON.objectNode();
        var handler = node.putArray("handle").addObject();
        handler.put("handler", "static_response");
        handler.put("status_code", 404);
        return node;
    }

    /** An upstream address: an IPv6 one in brackets. */
    static String dial(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** True when {@code running} is the configuration {@code desired} (what Caddy answers for {@code GET /config/}). */
    public static boolean same(@Nullable JsonNode running, JsonNode desired) {
        return running != null && running.equals(desired);
    }
}
