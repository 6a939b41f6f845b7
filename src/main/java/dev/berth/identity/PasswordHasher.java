package dev.berth.identity;

import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), with
 * OWASP's minimum parameters by default ({@code berth.identity.password-memory-kib}, {@code -iterations}).
 * Lower values are refused outside the test environment. Verification reads the parameters from the stored
 * string, so they can be raised later.
 */
@Singleton
final class PasswordHasher {
    static final int FLOOR_MEMORY_KIB = 19_456;
    static final int FLOOR_ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final int memoryKib;
    private final int iterations;

    PasswordHasher(IdentityProperties properties, Environment environment) {
        this.memoryKib = properties.passwordMemoryKib();
        this.iterations = properties.passwordIterations();
        boolean belowFloor = memoryKib < FLOOR_MEMORY_KIB || iterations < FLOOR_ITERATIONS;
        if (belowFloor && !environment.getActiveNames().contains(Environment.TEST)) {
            throw new IllegalStateException("BERTH_IDENTITY_PASSWORD_MEMORY_KIB must be at least " + FLOOR_MEMORY_KIB
                    + " and BERTH_IDENTITY_PASSWORD_ITERATIONS at least " + FLOOR_ITERATIONS + " (OWASP's minimum for Argon2id)");
        }
    }

    String hash(String password) {
        var salt = new byte[16];
        random.nextBytes(salt);
        var hash = derive(password, salt, memoryKib, iterations, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    boolean matches(String password, String stored) {
        var parts = stored.split("\\$");
        if (parts.length != 6 || !parts[1].equals("argon2id")) return false;
        int m = 0, t = 0, p = 0;
        for (var param : parts[3].split(",")) {
            var kv = param.split("=");
            switch (kv[0]) {
                case "m" -> m = Integer.parseInt(kv[1]);
                case "t" -> t = Integer.parseInt(kv[1]);
                case "p" -> p = Integer.parseInt(kv[1]);
                default -> { return false; }
            }
        }
        var expected = B64D.decode(parts[5]);
        var actual = derive(password, B64D.decode(parts[4]), m, t, p, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** A hash of nothing in particular, so a login for an unknown email costs as much as one for a known email. */
    void burn(String password) {
        derive(password, new byte[16], memoryKib, iterations, PARALLELISM, HASH_BYTES);
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        var params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build();
        var generator = new Argon2BytesGenerator();
        generator.init(params);
        var out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
