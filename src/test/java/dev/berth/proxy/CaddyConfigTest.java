package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The configuration Berth loads into Caddy, built from rows: its admin socket always, routes per domain, one CA. */
class CaddyConfigTest {
    private static final CaddyConfig.Settings SETTINGS = new CaddyConfig.Settings(80, 443, "https://ca.test/dir", "ops@berth.test", true);

    @Test
    void everyConfigurationKeepsTheAdminApiOnItsUnixSocket() {
        for (var config : List.of(CaddyConfig.initial(), CaddyConfig.of(SETTINGS, List.of()))) {
            assertThat(config.path("admin").path("listen").asText()).isEqualTo("unix//run/berth-proxy/admin.sock");
            assertThat(config.path("admin").path("origins").toString()).isEqualTo("[\"berth\"]");
        }
    }

    @Test
    void httpsAndPlainDomainsAreServedOnTheirPortsWithOneCaForEveryName() {
        var secure = new CaddyConfig.Route(UUID.randomUUID(), HostName.of("h", "app.test"), "/api", true, true, "127.0.0.1", 31001);
        var plain = new CaddyConfig.Route(UUID.randomUUID(), HostName.of("h", "plain.test"), null, false, false, null, null);
        var config = CaddyConfig.of(SETTINGS, List.of(secure, plain));
        var servers = config.path("apps").path("http").path("servers");
        var https = servers.path("berth_https").path("routes");
        assertThat(servers.path("berth_https").path("listen").toString()).isEqualTo("[\":443\"]");
        assertThat(https.get(0).path("match").toString()).isEqualTo("[{\"host\":[\"app.test\"],\"path\":[\"/api\",\"/api/*\"]}]");
        assertThat(https.get(0).path("handle").get(0).path("upstreams").toString()).isEqualTo("[{\"dial\":\"127.0.0.1:31001\"}]");
        assertThat(https.get(1).path("match").toString()).contains("www.app.test");
        assertThat(https.get(1).path("handle").get(0).path("headers").path("Location").get(0).asText()).isEqualTo("https://app.test{http.request.uri}");
        assertThat(https.get(2).path("handle").get(0).path("status_code").asInt()).isEqualTo(404); // nothing else is answered
        var http = servers.path("berth_http").path("routes");
        assertThat(servers.path("berth_http").path("listen").toString()).isEqualTo("[\":80\"]");
        assertThat(http.get(0).path("handle").get(0).path("status_code").asInt()).isEqualTo(503); // no deployment switched yet
        var policies = config.path("apps").path("tls").path("automation").path("policies");
        assertThat(policies.get(0).path("subjects").toString()).isEqualTo("[\"app.test\",\"www.app.test\"]");
        assertThat(policies.get(1).has("subjects")).isFalse(); // the catch-all: no name ever goes to another CA
        for (var policy : policies) {
            var issuer = policy.path("issuers").get(0);
            assertThat(issuer.path("ca").asText()).isEqualTo("https://ca.test/dir");
            assertThat(issuer.path("trusted_roots_pem_files").get(0).asText()).isEqualTo(CaddyConfig.ACME_ROOTS);
        }
    }

    @Test
    void sameComparesAsDataNotAsText() throws Exception {
        var route = new CaddyConfig.Route(UUID.randomUUID(), HostName.of("h", "app.test"), null, true, false, "10.1.2.3", 8080);
        var desired = CaddyConfig.of(SETTINGS, List.of(route));
        var json = new ObjectMapper();
        // Caddy answers GET /config/ compact, keys sorted: the same data
        var sorted = json.copy().configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        var answered = json.readTree(sorted.writeValueAsString(json.treeToValue(desired, java.util.Map.class)));
        assertThat(CaddyConfig.same(answered, desired)).isTrue();
        assertThat(CaddyConfig.same(CaddyConfig.initial(), desired)).isFalse();
        assertThat(CaddyConfig.same(null, desired)).isFalse();
        assertThat(CaddyConfig.dial("fd00::1", 80)).isEqualTo("[fd00::1]:80");
    }
}
