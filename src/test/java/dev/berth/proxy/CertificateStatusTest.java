package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A certificate's status at a moment: what Domain.certificate shows and what domainEvents announces on a change. */
class CertificateStatusTest {
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    @Test
    void statusFollowsTheCertificatesDatesAndTheDomainsAge() {
        var added = NOW.minus(Duration.ofMinutes(1));
        assertThat(Certificates.status(null, added, NOW)).isEqualTo("PENDING");
        assertThat(Certificates.status(null, NOW.minus(Duration.ofMinutes(11)), NOW)).isEqualTo("OVERDUE");
        assertThat(Certificates.status(held(Duration.ofDays(60)), added, NOW)).isEqualTo("VALID");
        assertThat(Certificates.status(held(Duration.ofDays(13)), added, NOW)).isEqualTo("EXPIRING");
        assertThat(Certificates.status(held(Duration.ofSeconds(-1)), added, NOW)).isEqualTo("EXPIRED");
    }

    private static ProxyRows.HeldCertificate held(Duration left) {
        return new ProxyRows.HeldCertificate("Pebble Intermediate CA", NOW.minus(Duration.ofDays(1)), NOW.plus(left));
    }
}
