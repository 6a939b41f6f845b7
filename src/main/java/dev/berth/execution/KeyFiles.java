package dev.berth.execution;

import com.hierynomus.sshj.userauth.keyprovider.OpenSSHKeyV1KeyFile;
import java.util.Optional;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.userauth.keyprovider.KeyProviderUtil;
import net.schmizz.sshj.userauth.keyprovider.OpenSSHKeyFile;
import net.schmizz.sshj.userauth.keyprovider.PKCS8KeyFile;

/** Reads private key files with sshj's parsers, so that what Berth accepts is exactly what it can log in with. */
public final class KeyFiles {
    /** The key's SSH type (e.g. {@code ssh-ed25519}) and its public key blob. */
    public record PublicPart(String type, byte[] publicBlob) {}

    private KeyFiles() {}

    /** Empty when the text is not an unencrypted OpenSSH, legacy OpenSSH or PKCS#8 private key. */
    public static Optional<PublicPart> read(String pem) {
        try {
            var file = switch (KeyProviderUtil.detectKeyFileFormat(pem, false)) {
                case OpenSSHv1 -> new OpenSSHKeyV1KeyFile();
                case PKCS8 -> new PKCS8KeyFile();
                case OpenSSH -> new OpenSSHKeyFile();
                default -> null;
            };
            if (file == null) return Optional.empty();
            file.init(pem, null, null);
            var publicKey = file.getPublic();
            return Optional.of(new PublicPart(KeyType.fromKey(publicKey).toString(), new Buffer.PlainBuffer().putPublicKey(publicKey).getCompactData()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
