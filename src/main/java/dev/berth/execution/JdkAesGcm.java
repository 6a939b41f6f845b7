package dev.berth.execution;

import com.hierynomus.sshj.transport.cipher.GcmCipher;
import java.security.GeneralSecurityException;
import java.util.List;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SSHRuntimeException;
import net.schmizz.sshj.transport.cipher.Cipher;

/**
 * AES-GCM for SSH on the JDK's own provider (SunJCE: the CPU's AES and carry-less multiply instructions) instead of
 * the provider sshj registers (BouncyCastle's plain Java, which took most of Berth's CPU while a dump streamed over a
 * server's connection: JFR, {@code bench/run.sh backup}). sshj's packet handling (the per-packet counter IV) is kept;
 * only the {@code javax.crypto.Cipher} under it changes.
 */
final class JdkAesGcm extends GcmCipher {
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private JdkAesGcm(int keyBytes) {
        super(12, 16, keyBytes, "AES", TRANSFORMATION);
    }

    @Override
    public void init(Mode mode, byte[] key, byte[] iv) {
        super.init(mode, key, iv); // the key and counter IV as sshj sizes them
        try {
            cipher = javax.crypto.Cipher.getInstance(TRANSFORMATION, "SunJCE");
            cipher.init(getMode(mode), secretKey, parameters);
            initialized = true;
        } catch (GeneralSecurityException e) {
            throw new SSHRuntimeException(e);
        }
    }

    /** aes128-gcm and aes256-gcm, named as OpenSSH names them. */
    static List<Factory.Named<Cipher>> factories() {
        return List.of(factory("aes128-gcm@openssh.com", 16), factory("aes256-gcm@openssh.com", 32));
    }

    private static Factory.Named<Cipher> factory(String name, int keyBytes) {
        return new Factory.Named<>() {
            @Override
            public Cipher create() {
                return new JdkAesGcm(keyBytes);
            }

            @Override
            public String getName() {
                return name;
            }
        };
    }
}
