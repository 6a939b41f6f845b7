package dev.berth.execution;

import static org.assertj.core.api.Assertions.assertThat;

import net.schmizz.sshj.DefaultConfig;
import org.junit.jupiter.api.Test;

/**
 * The ciphers Berth offers a server, in order: AES-GCM on the JDK's provider, then AES-CTR, then the rest; and that
 * AES-GCM round-trips a packet as sshj frames it (the real connections run in the SSH tests).
 */
class SshCiphersTest {
    @Test
    void aesGcmIsOfferedFirstAndNoCipherIsDropped() {
        var offered = new DefaultConfig().getCipherFactories();
        var ordered = SshjRemoteShell.preferred(offered).stream().map(c -> c.getName()).toList();
        assertThat(ordered).containsExactlyInAnyOrderElementsOf(offered.stream().map(c -> c.getName()).toList());
        assertThat(ordered.subList(0, 2)).allMatch(name -> name.contains("-gcm@openssh.com"));
        assertThat(SshjRemoteShell.preferred(offered).get(0).create()).isInstanceOf(JdkAesGcm.class);
        assertThat(ordered.indexOf("chacha20-poly1305@openssh.com")).isGreaterThan(ordered.indexOf("aes256-ctr"));
    }

    @Test
    void jdkAesGcmEncryptsWhatItDecryptsPacketAfterPacket() {
        var key = new byte[32];
        var iv = new byte[12];
        new java.security.SecureRandom().nextBytes(key);
        var encrypt = JdkAesGcm.factories().get(1).create();
        var decrypt = JdkAesGcm.factories().get(1).create();
        encrypt.init(net.schmizz.sshj.transport.cipher.Cipher.Mode.Encrypt, key, iv);
        decrypt.init(net.schmizz.sshj.transport.cipher.Cipher.Mode.Decrypt, key, iv);
        for (int packet = 0; packet < 3; packet++) { // the counter IV moves on with each packet, on both sides
            var plain = ("packet " + packet + " of a dump").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var buffer = java.util.Arrays.copyOf(plain, plain.length + 16);
            encrypt.update(buffer, 0, plain.length);
            assertThat(java.util.Arrays.copyOf(buffer, plain.length)).isNotEqualTo(plain);
            decrypt.update(buffer, 0, plain.length);
            assertThat(java.util.Arrays.copyOf(buffer, plain.length)).isEqualTo(plain);
        }
    }
}
