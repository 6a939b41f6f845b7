package dev.berth.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.errors.UnauthenticatedException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Short-lived HS256 access tokens. Verification accepts exactly HS256 (so {@code alg: none} and algorithm
 * confusion fail), checks the signature, issuer, audience and expiry, and names no reason to the client.
 */
@Singleton
final class AccessTokens {
    /** What a valid access token says. */
    record Claims(UUID userId, UUID sessionId, Instant expiresAt) {}

    private final IdentityProperties properties;
    private final SigningKey key;
    private final Clock clock;

    @Inject
    AccessTokens(IdentityProperties properties, SigningKey key) {
        this(properties, key, Clock.systemUTC());
    }

    AccessTokens(IdentityProperties properties, SigningKey key, Clock clock) {
        this.properties = properties;
        this.key = key;
        this.clock = clock;
    }

    String issue(UUID userId, UUID sessionId) {
        var now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(properties.issuer())
                .audience(properties.audience())
                .subject(userId.toString())
                .claim("sid", sessionId.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(properties.accessTokenTtl())))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(key.bytes()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign access token", e);
        }
    }

    Claims verify(String token) {
        try {
            var jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) throw invalid();
            if (!jwt.verify(new MACVerifier(key.bytes()))) throw invalid();
            var claims = jwt.getJWTClaimsSet();
            if (!properties.issuer().equals(claims.getIssuer())) throw invalid();
            if (claims.getAudience() == null || !claims.getAudience().equals(List.of(properties.audience()))) throw invalid();
            var expires = claims.getExpirationTime();
            if (expires == null || !expires.toInstant().isAfter(clock.instant())) throw invalid();
            return new Claims(UUID.fromString(claims.getSubject()), UUID.fromString(claims.getStringClaim("sid")), expires.toInstant());
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            throw invalid();
        }
    }

    private static UnauthenticatedException invalid() {
        return new UnauthenticatedException("The access token is invalid or expired.");
    }
}
