package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Certificates made with openssl for tests: self-signed for a host, valid for {@code days} (negative: expired). */
public final class TestCertificates {
    private TestCertificates() {}

    /** A certificate and its unencrypted PKCS#8 key, PEM. */
    public record Pair(String certificatePem, String keyPem) {}

    public static Pair selfSigned(String host, int days) {
        return selfSigned(host, days, "rsa:2048", "DNS:" + host);
    }

    /** {@code key}: openssl's -newkey (rsa:1024, ec -pkeyopt ec_paramgen_curve:P-256 as "ec:P-256"); {@code names}: the subjectAltName. */
    public static Pair selfSigned(String host, int days, String key, String names) {
        try {
            var dir = Files.createTempDirectory("berth-cert-");
            try {
                var newKey = key.startsWith("ec:") ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + key.substring(3)) : List.of("-newkey", key);
                var request = new ArrayList<>(List.of("req", "-new"));
                request.addAll(newKey);
                request.addAll(List.of("-nodes", "-subj", "/CN=" + host, "-keyout", "key.pem", "-out", "req.csr"));
                openssl(dir, request.toArray(String[]::new));
                Files.writeString(dir.resolve("san.ext"), "subjectAltName=" + names + "\n");
                openssl(dir, "x509", "-req", "-in", "req.csr", "-signkey", "key.pem", "-days", Integer.toString(days), "-extfile", "san.ext", "-out", "cert.pem");
                return new Pair(Files.readString(dir.resolve("cert.pem")), Files.readString(dir.resolve("key.pem")));
            } finally {
                TempDirs.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs openssl in {@code dir}; fails with its output when it fails. */
    static void openssl(Path dir, String... args) throws IOException {
        var command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) throw new IllegalStateException("openssl failed: " + output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
