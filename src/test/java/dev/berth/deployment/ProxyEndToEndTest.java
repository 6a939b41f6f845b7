package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.testing.HttpsLoad;
import dev.berth.testing.TestDocker;
import dev.berth.testing.TestPebble;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Domains through a managed Caddy, for real: Debian's Caddy in the test dockerd (host network), configured by Berth
 * over the test sshd's stream-local forward to its admin socket; a certificate from Pebble (Let's Encrypt's test CA)
 * over ACME, verified against Pebble's root with SNI; redeploys under a bounded load loop through the domain that fail
 * no request (a failing version included); drift and restarts reconciled; hostile names refused before anything
 * reaches Caddy, checked by reading its configuration back.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyEndToEndTest extends ProxyTestBase {
    private static final String HOST = "app.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private String app;
    private String domainId;
    private final dev.berth.testing.CurlExamples examples = new dev.berth.testing.CurlExamples("proxy");

    @Override
    int portsFrom() {
        return 31100;
    }

    @Override
    Map<String, String> proxySettings() {
        return Map.of("berth.proxy.reconcile-interval", "2s", "berth.proxy.drain", "1s");
    }

    private JsonNode proxy() throws Exception {
        return script("get-proxy.sh", serverId).path("server").path("proxy");
    }

    /** Runs a curl example of client-examples/curl/proxy as the class's user; its answer's data. */
    private JsonNode script(String name, String... args) throws Exception {
        return examples.run(server.getPort(), user().accessToken(), Map.of(), name, args);
    }

    @org.junit.jupiter.api.AfterAll
    void everyProxyScriptRan() throws Exception {
        examples.assertEveryOneRan();
    }

    private String adminSocket() {
        return hostDir.resolve(serverId).resolve("admin.sock").toString();
    }

    @Test
    @Order(1)
    void installProxyRunsCaddyConfiguredOnlyThroughItsUnixSocket() throws Exception {
        var installed = script("install-proxy.sh", serverId, TestDocker.CADDY, Integer.toString(httpPort), Integer.toString(httpsPort))
                .path("installProxy").path("server").path("proxy");
        assertThat(installed.path("status").asText()).isIn("INSTALLING", "RUNNING");
        assertThat(installed.path("httpsPort").asInt()).isEqualTo(httpsPort);
        var proxy = awaitProxy("RUNNING");
        assertThat(proxy.path("version").asText()).as(proxy.toString()).startsWith("2.6");
        assertThat(proxy.path("configuredAt").isNull()).isFalse();
        // the admin API is on the socket in the mounted directory, and not on Caddy's default TCP port
        assertThat(Files.exists(Path.of(adminSocket()))).isTrue();
        assertThat(admin("GET", "/config/", null).path("admin").path("listen").asText()).isEqualTo("unix//run/berth-proxy/admin.sock");
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 2019), 1000);
            throw new AssertionError("something listens on 127.0.0.1:2019");
        } catch (IOException refused) {
            // as it should be
        }
    }

    private JsonNode awaitProxy(String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode proxy = null;
        while (System.nanoTime() < deadline) {
            proxy = proxy();
            if (proxy.path("status").asText().equals(status)) return proxy;
            Thread.sleep(250);
        }
        throw new AssertionError("the proxy is not " + status + ": " + proxy);
    }

    @Test
    @Order(2)
    void aDomainGetsARealCertificateOverAcmeAndReachesTheApplication() throws Exception {
        var events = dev.berth.testing.WsClient.connectAndInit(server.getURI(), user().accessToken());
        events.subscribe("d", "subscription { domainEvents { host certificateStatus applicationId } }");
        dev.berth.testing.RedisChannels.awaitSubscribed(user().teamId(), "domains");
        app = webApp("site", "/index.html");
        setVariables(app, List.of(Map.of("key", "VERSION", "value", "v1")));
        var domain = script("add-domain.sh", app, HOST).path("addDomain").path("domain");
        domainId = domain.path("id").asText();
        assertThat(domain.path("https").asBoolean()).isTrue();
        assertThat(deployAndWait(app)).isEqualTo("SUCCEEDED");
        var answer = awaitHttps(HOST, "/", Duration.ofSeconds(90));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().strip()).isEqualTo("v1");
        // plain HTTP redirects to HTTPS
        assertThat(plainGet(HOST, "/")).startsWith("HTTP/1.1 308");
        var certificate = awaitCertificate();
        assertThat(certificate.path("issuer").asText()).containsIgnoringCase("pebble");
        assertThat(certificate.path("notAfter").asText()).isNotBlank();
        // the issue was announced once, to the team's domainEvents
        try (events) {
            var event = events.next(Duration.ofSeconds(10)).path("payload").path("data").path("domainEvents");
            assertThat(event.path("host").asText()).isEqualTo(HOST);
            assertThat(event.path("certificateStatus").asText()).isEqualTo("VALID");
            assertThat(event.path("applicationId").asText()).isEqualTo(app);
        }
    }

    private JsonNode awaitCertificate() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode certificate = null;
        while (System.nanoTime() < deadline) {
            certificate = script("list-domains.sh", app).path("application").path("domains").get(0).path("certificate");
            if (certificate.path("status").asText().equals("VALID")) return certificate;
            Thread.sleep(1000);
        }
        throw new AssertionError("no valid certificate: " + certificate);
    }

    @Test
    @Order(3)
    void aRedeployUnderLoadFailsNoRequestAndAFailingVersionNeverTakesOver() throws Exception {
        setVariables(app, List.of(Map.of("key", "VERSION", "value", "v2")));
        // 200 requests a second for 30 s at least: before the redeploy, through it, and after the old container retired
        long started = System.nanoTime();
        var load = new HttpsLoad(HOST, httpsPort, TestPebble.get().issuingRoots(), 4, 50).start();
        String status;
        try {
            Thread.sleep(5000);
            status = deployAndWait(app);
            Thread.sleep(Math.max(2000, Duration.ofSeconds(30).toMillis() - Duration.ofNanos(System.nanoTime() - started).toMillis()));
        } finally {
            load.stop();
        }
        System.out.println("redeploy under load: " + load);
        assertThat(status).isEqualTo("SUCCEEDED");
        assertThat(load.failures()).as(load.toString()).isEmpty();
        assertThat(load.answers()).as(load.toString()).containsKeys("v1", "v2");
        assertThat(awaitHttps(HOST, "/", Duration.ofSeconds(10)).body().strip()).isEqualTo("v2");

        // a new version whose health check fails: it never receives a request, the old one keeps serving
        http().data("mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { application { id } } }",
                Map.of("i", Map.of("id", app, "healthCheck", Map.of("path", "/missing", "port", checkPort(), "intervalSeconds", 1, "retries", 2, "startPeriodSeconds", 0))));
        setVariables(app, List.of(Map.of("key", "VERSION", "value", "v3")));
        var failing = new HttpsLoad(HOST, httpsPort, TestPebble.get().issuingRoots(), 4, 50).start();
        try {
            status = deployAndWait(app);
        } finally {
            failing.stop();
        }
        System.out.println("failing redeploy under load: " + failing);
        assertThat(status).isEqualTo("FAILED");
        assertThat(failing.failures()).as(failing.toString()).isEmpty();
        assertThat(failing.answers()).as(failing.toString()).containsOnlyKeys("v2");
        assertThat(failing.total()).isGreaterThan(100);
    }

    @Test
    @Order(4)
    void berthLoadsItsConfigurationAgainAfterADriftOrARestart() throws Exception {
        // by hand: a configuration without any route (the admin section kept, or the socket would move)
        admin("POST", "/load", "{\"admin\": {\"listen\": \"unix//run/berth-proxy/admin.sock\", \"origins\": [\"berth\"]}}");
        assertThat(admin("GET", "/config/", null).path("apps").isMissingNode()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && admin("GET", "/config/", null).path("apps").isMissingNode()) Thread.sleep(250);
        assertThat(admin("GET", "/config/", null).toString()).contains(HOST);
        assertThat(awaitHttps(HOST, "/", Duration.ofSeconds(30)).body().strip()).isEqualTo("v2");

        // the container restarted by hand: it comes back with the configuration it had (and Berth checks it)
        var containers = docker().listContainersCmd().withLabelFilter(Map.of("berth.proxy", serverId)).exec();
        assertThat(containers).hasSize(1);
        docker().restartContainerCmd(containers.getFirst().getId()).withTimeout(5).exec();
        assertThat(awaitHttps(HOST, "/", Duration.ofSeconds(30)).body().strip()).isEqualTo("v2");
    }

    @Test
    @Order(5)
    void hostileNamesAndPathsAreRefusedAndNeverReachCaddy() throws Exception {
        var hosts = List.of("evil.com\n}", "a.test:443/x", "*.other.team", "xn--zz.test", "xn--pple-43d.com", "a".repeat(64) + ".test",
                "x.".repeat(127) + "test", "localhost", "app.localhost", "127.0.0.1", "[::1]", "app.test.", "bad host.test", "quote\".test",
                "{brace}.test", "back\\slash.test", "-lead.test", "tab\t.test", "", "single", "http://app.test");
        for (var host : hosts) {
            var refused = http().post("mutation($i: AddDomainInput!) { addDomain(input: $i) { domain { id } } }",
                    Map.of("i", Map.of("applicationId", app, "host", host)));
            assertThat(refused.json().path("errors").get(0).path("extensions").path("code").asText()).as(host).isEqualTo("BAD_USER_INPUT");
            assertThat(refused.json().path("errors").get(0).path("extensions").path("field").asText()).as(host).isEqualTo("input.host");
        }
        var paths = List.of("/../x", "/a/..", "/%2e%2e/x", "/a b", "/a\"b", "/{x}", "/a/", "api", "/a\n}", "/" + "a".repeat(300), "/a//b");
        for (var path : paths) {
            var refused = http().post("mutation($i: AddDomainInput!) { addDomain(input: $i) { domain { id } } }",
                    Map.of("i", Map.of("applicationId", app, "host", "paths.test", "pathPrefix", path)));
            assertThat(refused.json().path("errors").get(0).path("extensions").path("code").asText()).as(path).isEqualTo("BAD_USER_INPUT");
            assertThat(refused.json().path("errors").get(0).path("extensions").path("field").asText()).as(path).isEqualTo("input.pathPrefix");
        }
        // an internationalised name is stored in its ASCII form; the same name again (any application) is CONFLICT
        var idn = script("add-domain.sh", app, "bücher.test", "/shop", "--http").path("addDomain").path("domain");
        assertThat(idn.path("pathPrefix").asText()).isEqualTo("/shop");
        assertThat(idn.path("https").asBoolean()).isFalse();
        assertThat(idn.path("host").asText()).isEqualTo("xn--bcher-kva.test");
        var other = webApp("site", "/index.html");
        var taken = http().post("mutation($i: AddDomainInput!) { addDomain(input: $i) { domain { id } } }",
                Map.of("i", Map.of("applicationId", other, "host", "XN--BCHER-KVA.test")));
        assertThat(taken.json().path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("CONFLICT");
        // what Caddy runs holds the two names Berth accepted and nothing of the refused ones
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !admin("GET", "/config/", null).toString().contains("xn--bcher-kva.test")) Thread.sleep(250);
        var config = admin("GET", "/config/", null);
        var hostsInConfig = new ArrayList<String>();
        config.findValues("host").forEach(list -> list.forEach(h -> hostsInConfig.add(h.asText())));
        assertThat(hostsInConfig).containsExactlyInAnyOrder(HOST, "xn--bcher-kva.test");
        assertThat(config.findValues("path").toString()).contains("[\"/shop\",\"/shop/*\"]");
        assertThat(config.toString()).doesNotContain("evil").doesNotContain("other.team").doesNotContain("paths.test").doesNotContain("..");
        // removed: no longer routed
        assertThat(script("remove-domain.sh", idn.path("id").asText()).path("removeDomain").path("removedDomainId").asText()).isEqualTo(idn.path("id").asText());
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && admin("GET", "/config/", null).toString().contains("xn--bcher-kva.test")) Thread.sleep(250);
        assertThat(admin("GET", "/config/", null).toString()).doesNotContain("xn--bcher-kva.test").contains(HOST);
        assertThat(domainId).isNotBlank();
    }

    @Test
    @Order(6)
    void aCertificateOfTheTeamsOwnIsCheckedSealedAndServedInsteadOfAcme() throws Exception {
        var host = "own.test";
        var domain = script("add-domain.sh", app, host).path("addDomain").path("domain").path("id").asText();
        var own = dev.berth.testing.TestCertificates.selfSigned(host, 90); // more than 14 days: VALID, not EXPIRING
        var set = "mutation($i: SetDomainCertificateInput!) { setDomainCertificate(input: $i) { domain { certificate { uploaded status issuer } } } }";
        // refused before anything is stored, naming the field; no error quotes the key
        var other = dev.berth.testing.TestCertificates.selfSigned(host, 2);
        var expired = dev.berth.testing.TestCertificates.selfSigned(host, -1);
        var elsewhere = dev.berth.testing.TestCertificates.selfSigned("elsewhere.test", 2);
        var refusals = List.of(
                List.of(own.certificatePem(), other.keyPem(), "input.privateKeyPem"),
                List.of(expired.certificatePem(), expired.keyPem(), "input.certificatePem"),
                List.of(elsewhere.certificatePem(), elsewhere.keyPem(), "input.certificatePem"),
                List.of(own.certificatePem() + other.certificatePem(), own.keyPem(), "input.certificatePem"), // a chain out of order
                List.of("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n", own.keyPem(), "input.certificatePem"),
                List.of(own.certificatePem(), "not a key", "input.privateKeyPem"),
                List.of(own.keyPem(), own.keyPem(), "input.certificatePem"));
        for (var refusal : refusals) {
            var answer = http().post(set, Map.of("i", Map.of("domainId", domain, "certificatePem", refusal.get(0), "privateKeyPem", refusal.get(1))));
            assertThat(answer.json().path("errors").get(0).path("extensions").path("code").asText()).as(refusal.get(2)).isEqualTo("BAD_USER_INPUT");
            assertThat(answer.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo(refusal.get(2));
            var keyLine = refusal.get(1).lines().filter(l -> !l.startsWith("-----")).findFirst().orElse("");
            if (keyLine.length() > 20) assertThat(answer.body()).doesNotContain(keyLine);
        }
        var files = Files.createTempDirectory("berth-own-");
        Files.writeString(files.resolve("cert.pem"), own.certificatePem());
        Files.writeString(files.resolve("key.pem"), own.keyPem());
        var certificate = script("set-domain-certificate.sh", domain, files.resolve("cert.pem").toString(), files.resolve("key.pem").toString())
                .path("setDomainCertificate").path("domain").path("certificate");
        dev.berth.testing.TempDirs.delete(files);
        assertThat(certificate.path("uploaded").asBoolean()).isTrue();
        assertThat(certificate.path("status").asText()).isEqualTo("VALID");
        // the proxy serves exactly the uploaded certificate for the name: trusted as its own root, it verifies
        var trust = trusting(own.certificatePem());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpsLoad.Answer answer = null;
        while (System.nanoTime() < deadline && answer == null) {
            try (var connection = new HttpsLoad.Connection(host, httpsPort, trust, "/")) {
                answer = connection.get();
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        assertThat(answer).as("the uploaded certificate is served").isNotNull();
        assertThat(answer.body().strip()).isEqualTo("v2");
        // the key is sealed in PostgreSQL, in no column in the clear
        var keyLine = own.keyPem().lines().skip(1).findFirst().orElseThrow();
        assertThat(http().data("query($a: ID!) { application(id: $a) { domains { host certificate { issuer } } } }", Map.of("a", app)).toString())
                .doesNotContain(keyLine);
        // back to ACME
        var removed = script("remove-domain-certificate.sh", domain).path("removeDomainCertificate").path("domain").path("certificate");
        assertThat(removed.path("uploaded").asBoolean()).isFalse();
        assertThat(awaitHttps(host, "/", Duration.ofSeconds(60)).body().strip()).isEqualTo("v2"); // now verified against Pebble's root
    }

    private static SSLContext trusting(String pem) throws Exception {
        var certificate = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        var store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("own", certificate);
        var factory = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        var context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** One request to the proxy's admin API through its socket (the test runs on the server: the socket is a local file). */
    private JsonNode admin(String method, String path, String body) throws IOException {
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(adminSocket()));
            var bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            var head = method + " " + path + " HTTP/1.0\r\nHost: berth\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            channel.write(ByteBuffer.wrap(bytes));
            var answer = new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).as(answer).startsWith("HTTP/1.0 200");
            var json = answer.substring(answer.indexOf("\r\n\r\n") + 4).strip();
            return json.isEmpty() ? JSON.nullNode() : JSON.readTree(json);
        }
    }

    /** Retries (the certificate comes within seconds) until an HTTPS GET with SNI {@code host} verifies and answers. */
    private HttpsLoad.Answer awaitHttps(String host, String path, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (var connection = new HttpsLoad.Connection(host, httpsPort, TestPebble.get().issuingRoots(), path)) {
                var answer = connection.get();
                if (answer.status() == 200) return answer;
                last = new IOException("HTTP " + answer.status());
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no HTTPS answer for " + host, last);
    }

    private String plainGet(String host, String path) throws IOException {
        try (var socket = new Socket("127.0.0.1", httpPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
