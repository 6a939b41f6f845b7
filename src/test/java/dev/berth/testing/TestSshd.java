package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH sshd on 127.0.0.1 for the whole test JVM, with its own host key and authorized_keys file,
 * logging in as the user running the tests. With BERTH_REQUIRE_DOCKER=1 (CI), a missing sshd fails the run
 * instead of skipping.
 */
public final class TestSshd {
    private static TestSshd instance;
    private static TestSshd withoutStreamLocal;

    private final Path dir;
    private final int port;
    private final boolean streamLocal;
    private Process process;

    private TestSshd(Path dir, int port, boolean streamLocal) {
        this.dir = dir;
        this.port = port;
        this.streamLocal = streamLocal;
    }

    public static synchronized TestSshd get() {
        if (instance == null) instance = start(true);
        return instance;
    }

    /** A second sshd that refuses stream-local forwarding, as some hardened servers do. */
    public static synchronized TestSshd withoutStreamLocal() {
        if (withoutStreamLocal == null) withoutStreamLocal = start(false);
        return withoutStreamLocal;
    }

    private static TestSshd start(boolean streamLocal) {
        var sshd = Path.of("/usr/sbin/sshd");
        if (!Files.isExecutable(sshd)) {
            if ("1".equals(System.getenv("BERTH_REQUIRE_DOCKER"))) throw new IllegalStateException("sshd is required (apt-get install openssh-server)");
            Assumptions.abort("no sshd on this machine (set BERTH_REQUIRE_DOCKER=1 to make this a failure)");
        }
        try {
            var dir = Files.createTempDirectory("berth-sshd-");
            Files.createDirectories(Path.of("/run/sshd"));
            var started = new TestSshd(dir, freePort(), streamLocal);
            started.writeConfig();
            started.newHostKey();
            started.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.stop();
                TempDirs.delete(dir);
            }));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String user() {
        return System.getProperty("user.name");
    }

    /** Lets the holder of this public key (an OpenSSH line) log in. */
    public synchronized void authorize(String publicKey) {
        try {
            Files.writeString(dir.resolve("authorized_keys"), publicKey.strip() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The current host key as {@code type base64} (no comment), as a git source pins it. */
    public String hostPublicKey() {
        try {
            var parts = Files.readString(dir.resolve("host_key.pub")).strip().split(" ");
            return parts[0] + " " + parts[1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ssh-keygen's SHA256 fingerprint of the current host key. */
    public String hostKeyFingerprint() {
        try {
            return SshKeys.fingerprintOf(Files.readString(dir.resolve("host_key.pub")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restarts sshd with a new host key on the same port, as after a reinstall (or an attacker in the middle). */
    public synchronized void rotateHostKey() {
        stop();
        newHostKey();
        start();
    }

    private void writeConfig() throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), "");
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd.pid"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "AllowStreamLocalForwarding " + (streamLocal ? "yes" : "no"),
                // OpenSSH permits stream-local forwarding only where local forwarding is allowed too
                "AllowTcpForwarding local",
                "X11Forwarding no",
                "PrintMotd no",
                "LogLevel ERROR",
                // bash skips ~/.bashrc for ssh commands when SHLVL says it is nested: this machine's bashrc runs
                // `pyenv init`, whose rehash lock makes concurrent sessions wait up to a minute
                "SetEnv SHLVL=1",
                ""));
    }

    private void newHostKey() {
        try {
            Files.deleteIfExists(dir.resolve("host_key"));
            Files.deleteIfExists(dir.resolve("host_key.pub"));
            var keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString())
                    .redirectErrorStream(true).start();
            if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) throw new IllegalStateException("ssh-keygen failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void start() {
        try {
            process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            for (int i = 0; i < 100; i++) {
                if (!process.isAlive()) throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log"), StandardCharsets.UTF_8));
                try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            throw new IllegalStateException("sshd did not listen on " + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
