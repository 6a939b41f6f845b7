package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.SshKeys;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Imported keys are stored as OpenSSH reads a key file, however they were pasted. Checked with ssh-keygen itself. */
class KeyMaterialTest {
    @Test
    void anImportedKeyIsStoredAsAFileOpenSshAcceptsWhateverItsLineEnds() throws Exception {
        var pem = SshKeys.generate("ed25519").pem();
        // $(cat key) drops the final newline; a Windows clipboard brings CRLF; a paste may add blank lines
        for (var pasted : new String[] {pem.strip(), pem.replace("\n", "\r\n"), "\n" + pem + "\n\n"}) {
            var stored = KeyMaterial.read("input.pem", pasted).privatePem().value();
            assertThat(stored).isEqualTo(pem.strip() + "\n");
            var file = Files.createTempFile("imported", ".key");
            Files.writeString(file, stored);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            var keygen = new ProcessBuilder("ssh-keygen", "-y", "-f", file.toString()).redirectErrorStream(true).start();
            assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(keygen.exitValue()).as(new String(keygen.getInputStream().readAllBytes())).isZero();
        }
        // the failure the normalisation prevents: the same key without its final newline
        var broken = Files.createTempFile("broken", ".key");
        Files.writeString(broken, pem.strip());
        Files.setPosixFilePermissions(broken, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        var keygen = new ProcessBuilder("ssh-keygen", "-y", "-f", broken.toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keygen.exitValue()).isNotZero();
    }
}
