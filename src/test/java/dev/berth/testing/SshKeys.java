package dev.berth.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Key pairs made by OpenSSH's own ssh-keygen, to check Berth against the reference implementation. */
public final class SshKeys {
    /** A private key file, its PEM text, and ssh-keygen's fingerprint of it. */
    public record KeyPair(Path privateKey, String pem, String fingerprint) {}

    private SshKeys() {}

    public static KeyPair generate(String type) {
        try {
            var dir = Files.createTempDirectory("berth-key-");
            var file = dir.resolve("id_" + type);
            run("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "berth-test", "-f", file.toString());
            var fingerprint = run("ssh-keygen", "-l", "-E", "sha256", "-f", file.toString()).split(" ")[1];
            return new KeyPair(file, Files.readString(file), fingerprint);
        } catch (Exception e) {
            throw new IllegalStateException("ssh-keygen (openssh-client) is required by the tests", e);
        }
    }

    /** ssh-keygen's SHA256 fingerprint of a public key line. */
    public static String fingerprintOf(String publicKey) {
        try {
            var file = Files.createTempFile("berth-pub-", ".pub");
            Files.writeString(file, publicKey + "\n");
            return run("ssh-keygen", "-l", "-E", "sha256", "-f", file.toString()).split(" ")[1];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String... command) throws Exception {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("timeout: " + command[0]);
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) throw new IllegalStateException(command[0] + " failed: " + out);
        return out;
    }
}
