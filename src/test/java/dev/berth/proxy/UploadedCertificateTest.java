package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.errors.InvalidInputException;
import dev.berth.testing.TestCertificates;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An uploaded certificate is checked before anything is stored, with real certificates made by openssl. */
class UploadedCertificateTest {
    private static final HostName HOST = HostName.of("h", "own.test");

    private static void refused(TestCertificates.Pair pair, String field) {
        assertThatThrownBy(() -> UploadedCertificate.parse(HOST, pair.certificatePem(), pair.keyPem(), Instant.now()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void aMatchingCertificateForTheHostIsTakenAndItsKeyStoredAsPkcs8() {
        for (var key : new String[] {"rsa:2048", "ec:P-256"}) {
            var pair = TestCertificates.selfSigned("own.test", 30, key, "DNS:own.test,DNS:www.own.test");
            var taken = UploadedCertificate.parse(HOST, pair.certificatePem(), pair.keyPem(), Instant.now());
            assertThat(taken.keyPem().value()).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
            assertThat(taken.chainPem()).startsWith("-----BEGIN CERTIFICATE-----\n");
            assertThat(taken.toString()).doesNotContain(taken.keyPem().value().lines().skip(1).findFirst().orElseThrow());
        }
    }

    @Test
    void keysOfUnboundedCostNamesBeyondTheHostAndWildcardsAreRefused() {
        refused(TestCertificates.selfSigned("own.test", 30, "rsa:1024", "DNS:own.test"), "input.certificatePem");
        refused(TestCertificates.selfSigned("own.test", 30, "rsa:2048", "DNS:own.test,DNS:other.test"), "input.certificatePem");
        refused(TestCertificates.selfSigned("own.test", 30, "rsa:2048", "DNS:*.test"), "input.certificatePem");
        refused(TestCertificates.selfSigned("own.test", 30, "rsa:2048", "DNS:own.test,IP:127.0.0.1"), "input.certificatePem");
        refused(TestCertificates.selfSigned("own.test", -1, "rsa:2048", "DNS:own.test"), "input.certificatePem");
        var mine = TestCertificates.selfSigned("own.test", 30);
        var theirs = TestCertificates.selfSigned("own.test", 30);
        refused(new TestCertificates.Pair(mine.certificatePem(), theirs.keyPem()), "input.privateKeyPem");
        refused(new TestCertificates.Pair(mine.certificatePem(), "x".repeat(UploadedCertificate.MAX_PEM_CHARS + 1)), "input.privateKeyPem");
        refused(new TestCertificates.Pair(mine.certificatePem() + theirs.certificatePem(), mine.keyPem()), "input.certificatePem");
    }
}
