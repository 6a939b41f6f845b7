package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Pebble, Let's Encrypt's test ACME CA (Debian's package), for the test JVM: on 127.0.0.1, validating every challenge
 * as passed ({@code PEBBLE_VA_ALWAYS_VALID}), its own HTTPS served with a certificate from a CA made here with openssl
 * ({@link #directoryRoots()}: what Caddy must trust to talk to the directory). What it issues chains to its own root,
 * new at every start ({@link #issuingRoots()}).
 */
public final class TestPebble {
    private static TestPebble instance;

    private final Path dir;
    private final Process process;
    private final int port;
    private final int managementPort;

    private TestPebble(Path dir, Process process, int port, int managementPort) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
    }

    public static synchronized TestPebble get() {
        if (instance != null) return instance;
        var pebble = Path.of("/usr/bin/pebble");
        if (!Files.isExecutable(pebble)) throw new IllegalStateException("pebble is required (apt-get install pebble)");
        try {
            var dir = Files.createTempDirectory("berth-pebble-");
            TestCertificates.openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=berth test directory CA",
                    "-keyout", "ca.key", "-out", "ca.pem");
            TestCertificates.openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "pebble.key", "-out", "pebble.csr");
            Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            TestCertificates.openssl(dir, "x509", "-req", "-in", "pebble.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                    "-extfile", "san.ext", "-out", "pebble.pem");
            int port = freePort();
            int management = freePort();
            Files.writeString(dir.resolve("pebble.json"), """
                    {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                      "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d, "ocspResponderURL": "",
                      "externalAccountBindingRequired": false}}
                    """.formatted(port, management, dir.resolve("pebble.pem"), dir.resolve("pebble.key"), freePort(), freePort()));
            var builder = new ProcessBuilder(pebble.toString(), "-config", dir.resolve("pebble.json").toString(), "-strict=false")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
            builder.environment().put("PEBBLE_VA_ALWAYS_VALID", "1");
            builder.environment().put("PEBBLE_VA_NOSLEEP", "1");
            builder.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
            instance = new TestPebble(dir, builder.start(), port, management);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
            instance.awaitListening();
            return instance;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ACME directory's URL. */
    public String directory() {
        return "https://127.0.0.1:" + port + "/dir";
    }

    /** The PEM file of the CA that signed the directory's own HTTPS certificate. */
    public Path directoryRoots() {
        return dir.resolve("ca.pem");
    }

    /** Trusts what Pebble issued: its current root, read from its management endpoint. */
    public SSLContext issuingRoots() {
        try {
            var client = java.net.http.HttpClient.newBuilder().sslContext(trusting(List.of(certificate(Files.readString(directoryRoots()))))).build();
            var root = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + managementPort + "/roots/0")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return trusting(List.of(certificate(root)));
        } catch (Exception e) {
            throw new IllegalStateException("Pebble's root could not be read", e);
        }
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static SSLContext trusting(List<X509Certificate> roots) throws Exception {
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < roots.size(); i++) store.setCertificateEntry("root-" + i, roots.get(i));
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        var context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening() {
        for (int i = 0; i < 300; i++) {
            if (!process.isAlive()) throw new IllegalStateException("pebble exited: " + log());
            try (var ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("pebble did not listen: " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("pebble.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void stop() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.delete(dir);
    }
}
