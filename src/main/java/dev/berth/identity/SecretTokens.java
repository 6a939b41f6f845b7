package dev.berth.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * High-entropy bearer secrets (refresh tokens, personal access tokens, invitations). Only their SHA-256 is
 * stored: with 256 random bits, a fast hash is enough, and lookups stay a single indexed equality.
 */
final class SecretTokens {
    static final String PAT_PREFIX = "berth_pat_";
    static final String REFRESH_PREFIX = "berth_rt_";
    static final String INVITE_PREFIX = "berth_inv_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretTokens() {}

    static String generate(String prefix) {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String token) {
        return HexFormat.of().formatHex(SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** One digest per thread: looking the algorithm up through the providers cost more than hashing a token. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
}
