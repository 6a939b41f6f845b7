package dev.berth.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.BerthProperties;
import dev.berth.runtime.DatabaseProperties;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
    private static SecretBox box(String key) {
        return new SecretBox(key, new BerthProperties(Path.of("/nonexistent")), new DatabaseProperties("jdbc:x", null, null, 1, java.time.Duration.ofSeconds(30)), null);
    }

    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @Test
    void aSealedSecretOpensOnlyInItsOwnContext() {
        var box = box(KEY);
        var sealed = box.seal(new Secret("-----BEGIN OPENSSH PRIVATE KEY-----"), "private_keys:1");
        assertThat(sealed).startsWith("v1:" + box.keyId() + ":").doesNotContain("OPENSSH");
        assertThat(box.open(sealed, "private_keys:1").value()).isEqualTo("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThatThrownBy(() -> box.open(sealed, "private_keys:2")).hasMessageContaining("decryption failed");
    }

    @Test
    void sealingTheSameValueTwiceGivesDifferentCiphertexts() {
        var box = box(KEY);
        assertThat(box.seal(new Secret("x"), "c")).isNotEqualTo(box.seal(new Secret("x"), "c"));
    }

    @Test
    void anotherMasterKeyIsNamedNotTried() {
        var sealed = box(KEY).seal(new Secret("x"), "c");
        var other = box("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
        assertThatThrownBy(() -> other.open(sealed, "c")).hasMessageContaining("another master key");
    }

    @Test
    void aTamperedValueDoesNotOpen() {
        var box = box(KEY);
        var sealed = box.seal(new Secret("secret"), "c");
        var tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> box.open(tampered, "c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingOrShortKeyStopsStartUp() {
        assertThatThrownBy(() -> box(null)).hasMessageContaining("BERTH_MASTER_KEY is required");
        assertThatThrownBy(() -> box("abcd")).hasMessageContaining("32 bytes");
    }

    @Test
    void aSecretNeverPrintsItsValue() {
        assertThat(new Secret("hunter2").toString()).isEqualTo("***");
        assertThat(String.valueOf(java.util.List.of(new Secret("hunter2")))).doesNotContain("hunter2");
    }
}
