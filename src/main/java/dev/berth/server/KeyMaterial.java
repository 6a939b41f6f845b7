package dev.berth.server;

import dev.berth.errors.InvalidInputException;
import dev.berth.secrets.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;

/** Pure key handling: generate Ed25519 pairs in OpenSSH format, and read imported keys. */
final class KeyMaterial {
    /** A key pair as stored: the private PEM stays a {@link Secret}. */
    record Pair(String algorithm, String publicKey, String fingerprint, Secret privatePem) {}

    private KeyMaterial() {}

    static Pair generateEd25519() {
        var privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        byte[] publicBlob;
        byte[] privateBlob;
        try {
            publicBlob = OpenSSHPublicKeyUtil.encodePublicKey(privateKey.generatePublicKey());
            privateBlob = OpenSSHPrivateKeyUtil.encodePrivateKey(privateKey);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(privateBlob)
                + "\n-----END OPENSSH PRIVATE KEY-----\n";
        return new Pair("ssh-ed25519", "ssh-ed25519 " + Base64.getEncoder().encodeToString(publicBlob), fingerprint(publicBlob), new Secret(pem));
    }

    /** Reads an unencrypted OpenSSH or PKCS#8 private key; anything else is BAD_USER_INPUT naming {@code field}. */
    static Pair read(String field, Object value) {
        if (!(value instanceof String pem) || pem.isBlank() || pem.length() > 16_384) {
            throw new InvalidInputException(field, "a PEM private key is required");
        }
        var key = dev.berth.execution.KeyFiles.read(pem)
                .orElseThrow(() -> new InvalidInputException(field, "not a readable private key (passphrase-protected keys are not supported)"));
        return new Pair(key.type(), key.type() + " " + Base64.getEncoder().encodeToString(key.publicBlob()), fingerprint(key.publicBlob()),
                new Secret(asFile(pem)));
    }

    /**
     * A PEM as OpenSSH reads it from a file: LF line ends and one final newline. A key pasted or read with
     * {@code $(cat key)} has lost its final newline, and OpenSSH then refuses the file ("error in libcrypto").
     */
    static String asFile(String pem) {
        return pem.replace("\r\n", "\n").replace('\r', '\n').strip() + "\n";
    }

    static String fingerprint(byte[] publicBlob) {
        return dev.berth.execution.SshjRemoteShell.fingerprint(publicBlob);
    }

}
