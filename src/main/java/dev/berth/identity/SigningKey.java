package dev.berth.identity;

import dev.berth.runtime.BerthProperties;
import dev.berth.runtime.DatabaseProperties;
import dev.berth.runtime.EmbeddedServers;
import dev.berth.secrets.SecretStrength;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMAC key that signs access tokens: {@code BERTH_JWT_SECRET} (at least 32 bytes) when set. On the embedded
 * default it is generated once into {@code BERTH_DATA_DIR/jwt-secret} (mode 0600). Anywhere else (an external
 * database, or a production build) a missing secret stops start-up: tokens must survive restarts and be
 * shared by every node.
 */
@Context // checked at start-up, not on the first request
final class SigningKey {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKey.class);
    static final int MIN_BYTES = 32;

    private final byte[] key;

    SigningKey(@Nullable @Value("${berth.jwt.secret:}") String configured, BerthProperties berth,
               DatabaseProperties database, @Nullable EmbeddedServers embedded) {
        if (configured != null && !configured.isBlank()) {
            key = configured.getBytes(StandardCharsets.UTF_8);
            if (key.length < MIN_BYTES) throw new IllegalStateException("BERTH_JWT_SECRET must be at least " + MIN_BYTES + " bytes");
            SecretStrength.requireStrongText("BERTH_JWT_SECRET", configured);
        } else if (embedded != null && !database.external()) {
            key = generatedIn(berth.dataDir().resolve("jwt-secret"));
        } else {
            throw new IllegalStateException("BERTH_JWT_SECRET is required outside the embedded default (at least "
                    + MIN_BYTES + " bytes; e.g. openssl rand -hex 32)");
        }
    }

    byte[] bytes() {
        return key.clone();
    }

    private static byte[] generatedIn(Path file) {
        try {
            if (Files.exists(file)) return Files.readString(file).trim().getBytes(StandardCharsets.UTF_8);
            dev.berth.runtime.DataDir.ownerOnly(file.getParent());
            var random = new byte[48];
            new SecureRandom().nextBytes(random);
            var secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret);
            LOG.info("event=jwt-secret-generated file={}", file);
            return secret.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
