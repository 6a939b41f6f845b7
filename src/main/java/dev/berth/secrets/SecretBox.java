package dev.berth.secrets;

import dev.berth.runtime.BerthProperties;
import dev.berth.runtime.DatabaseProperties;
import dev.berth.runtime.EmbeddedServers;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM under the master key ({@code BERTH_MASTER_KEY}: 32 bytes,
 * base64 or hex; on the embedded default generated once into {@code BERTH_DATA_DIR/master-key}, mode 0600).
 * A sealed value is {@code v1:<key id>:<base64 nonce + ciphertext>}; the key id (a hash of the key) lets keys
 * rotate. The {@code context} (e.g. {@code private_keys:<id>}) is bound as associated data, so a sealed
 * value copied to another row does not open.
 */
@Context // checked at start-up
public final class SecretBox {
    /** Written in the data dir once the embedded database exists; its presence says this is not a fresh instance. */
    public static final String INSTANCE_MARKER = "instance";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    SecretBox(@Nullable @Value("${berth.master-key:}") String configured, BerthProperties berth,
              DatabaseProperties database, @Nullable EmbeddedServers embedded) {
        byte[] raw;
        if (configured != null && !configured.isBlank()) {
            raw = decode(configured.trim());
            if (raw.length == 32) SecretStrength.requireStrongKey("BERTH_MASTER_KEY", configured.trim(), raw);
        } else if (embedded != null && !database.external()) {
            raw = generatedIn(berth.dataDir().resolve("master-key"));
        } else {
            throw new IllegalStateException("BERTH_MASTER_KEY is required outside the embedded default (32 bytes, e.g. openssl rand -hex 32)");
        }
        if (raw.length != 32) throw new IllegalStateException("BERTH_MASTER_KEY must be 32 bytes (64 hex characters or base64)");
        key = new SecretKeySpec(raw, "AES");
        keyId = keyIdOf(raw);
    }

    public String seal(Secret secret, String context) {
        try {
            var nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            var sealed = cipher.doFinal(secret.value().getBytes(StandardCharsets.UTF_8));
            var out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return "v1:" + keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public Secret open(String sealed, String context) {
        var parts = sealed.split(":", 3);
        if (parts.length != 3 || !parts[0].equals("v1")) throw new IllegalStateException("unknown sealed format");
        if (!parts[1].equals(keyId)) throw new IllegalStateException("sealed with another master key (" + parts[1] + ")");
        try {
            var bytes = Base64.getDecoder().decode(parts[2]);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            var plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new Secret(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decryption failed: wrong key or tampered value");
        }
    }

    public String keyId() {
        return keyId;
    }

    static String keyIdOf(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(String value) {
        if (value.matches("[0-9a-fA-F]{64}")) return HexFormat.of().parseHex(value);
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("BERTH_MASTER_KEY must be hex or base64");
        }
    }

    /**
     * The data dir's key, generated on a fresh instance only: where the data dir already holds a database (or the
     * marker of one), a missing key is lost data, and a new key would silently orphan every sealed secret.
     */
    private static byte[] generatedIn(Path file) {
        try {
            if (Files.exists(file)) return decode(Files.readString(file).trim());
            var dataDir = file.getParent();
            if (Files.exists(dataDir.resolve("postgres/PG_VERSION")) || Files.exists(dataDir.resolve(INSTANCE_MARKER))) {
                throw new IllegalStateException(dataDir + " holds a Berth database but no master-key: restore master-key from your "
                        + "backup of the data directory (without it the sealed secrets cannot be read). Berth will not generate a new one.");
            }
            dev.berth.runtime.DataDir.ownerOnly(file.getParent());
            var raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, HexFormat.of().formatHex(raw));
            return raw;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
