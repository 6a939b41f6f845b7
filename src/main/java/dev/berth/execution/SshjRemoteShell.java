package dev.berth.execution;

import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteShell} over sshj: one pooled, kept-alive connection per server, evicted when idle. The host key
 * must match the pinned fingerprint; on first contact the presented one is remembered for pinning. Output is
 * capped; commands time out. The only class that opens SSH connections.
 */
@Singleton
public final class SshjRemoteShell implements RemoteShell {
    private static final Logger LOG = LoggerFactory.getLogger(SshjRemoteShell.class);
    static final int MAX_OUTPUT = 1 << 20;

    private record Pooled(SSHClient client, String hostKey, String pinnedAtConnect, Instant[] lastUsed) {}

    private final SshProperties properties;
    private final ConcurrentHashMap<UUID, Pooled> pool = new ConcurrentHashMap<>();

    SshjRemoteShell(SshProperties properties, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        this.properties = properties;
        scheduler.scheduleAtFixedRate(properties.idleEviction(), properties.idleEviction(), this::evictIdle);
    }

    @Override
    public ExecResult run(ServerRef server, Argv argv) {
        var connection = connection(server);
        connection.lastUsed()[0] = Instant.now();
        try (var session = connection.client().startSession()) {
            var command = session.exec(ShellLine.render(argv));
            try (var readers = Executors.newVirtualThreadPerTaskExecutor()) {
                var out = readers.submit(() -> readCapped(command.getInputStream()));
                var err = readers.submit(() -> readCapped(command.getErrorStream()));
                var timeout = properties.commandTimeout().toMillis();
                var stdout = out.get(timeout, TimeUnit.MILLISECONDS);
                var stderr = err.get(timeout, TimeUnit.MILLISECONDS);
                command.join(timeout, TimeUnit.MILLISECONDS);
                var status = command.getExitStatus();
                return new ExecResult(status == null ? -1 : status, stdout, stderr);
            } catch (TimeoutException e) {
                command.close();
                throw new ServerUnreachableException("The command did not finish within " + properties.commandTimeout() + ".", null);
            } catch (ExecutionException | InterruptedException e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new ServerUnreachableException("Lost the connection to the server while a command ran.", null);
            }
        } catch (IOException e) {
            forget(server.id());
            throw new ServerUnreachableException("Lost the connection to the server: " + e.getClass().getSimpleName(), null);
        }
    }

    /** Opens a channel to a Unix socket on the server, over the pooled (pinned, authenticated) connection. */
    Duplex openStreamLocal(ServerRef server, String socketPath) throws IOException {
        var connection = connection(server);
        connection.lastUsed()[0] = Instant.now();
        var channel = new StreamLocalChannel(connection.client().getConnection(), socketPath);
        channel.open();
        return new Duplex() {
            public InputStream in() { return channel.getInputStream(); }
            public java.io.OutputStream out() { return channel.getOutputStream(); }
            public void close() throws IOException { channel.close(); }
        };
    }

    /**
     * The fallback where the server's sshd refuses stream-local forwarding: the Docker CLI on the server
     * relays its stdin and stdout to the socket ({@code docker -H unix://<socket> system dial-stdio}).
     */
    Duplex openDialStdio(ServerRef server, String socketPath) throws IOException {
        var connection = connection(server);
        connection.lastUsed()[0] = Instant.now();
        var session = connection.client().startSession();
        var command = session.exec(ShellLine.render(Argv.of("docker", "-H", "unix://" + socketPath, "system", "dial-stdio")));
        return new Duplex() {
            public InputStream in() { return command.getInputStream(); }
            public java.io.OutputStream out() { return command.getOutputStream(); }
            public void close() throws IOException {
                command.close();
                session.close();
            }
        };
    }

    @Override
    public Optional<String> presentedHostKey(UUID serverId) {
        return Optional.ofNullable(pool.get(serverId)).map(Pooled::hostKey);
    }

    @Override
    public void forget(UUID serverId) {
        var pooled = pool.remove(serverId);
        if (pooled != null) close(pooled.client());
    }

    private Pooled connection(ServerRef server) {
        var existing = pool.get(server.id());
        if (existing != null && existing.client().isConnected() && existing.client().isAuthenticated()
                && java.util.Objects.equals(existing.pinnedAtConnect(), server.pinnedHostKey())) {
            return existing;
        }
        if (existing != null) forget(server.id());
        var connected = connect(server);
        pool.put(server.id(), connected);
        return connected;
    }

    private Pooled connect(ServerRef server) {
        var config = new DefaultConfig();
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        var client = new SSHClient(config);
        var presented = new String[1];
        client.addHostKeyVerifier(new HostKeyVerifier() {
            @Override
            public boolean verify(String hostname, int port, PublicKey key) {
                presented[0] = fingerprint(key);
                return server.pinnedHostKey() == null || server.pinnedHostKey().equals(presented[0]);
            }

            @Override
            public List<String> findExistingAlgorithms(String hostname, int port) {
                return List.of();
            }
        });
        int timeout = (int) properties.connectTimeout().toMillis();
        client.setConnectTimeout(timeout);
        client.setTimeout(timeout);
        client.getTransport().setTimeoutMs(timeout);
        try {
            client.connect(server.host(), server.port());
            // Small request/reply packets: without this, Nagle and delayed ACKs add ~40 ms per round trip.
            client.getSocket().setTcpNoDelay(true);
            client.getConnection().getKeepAlive().setKeepAliveInterval((int) properties.keepAlive().toSeconds());
            client.authPublickey(server.user(), client.loadKeys(server.privateKey().value(), null, null));
            LOG.info("event=ssh-connected server={} hostKey={}", server.id(), presented[0]);
            return new Pooled(client, presented[0], server.pinnedHostKey(), new Instant[] {Instant.now()});
        } catch (IOException e) {
            close(client);
            if (presented[0] != null && server.pinnedHostKey() != null && !server.pinnedHostKey().equals(presented[0])) {
                throw new ServerUnreachableException("The server's host key changed: it presented " + presented[0] + " but "
                        + server.pinnedHostKey() + " is pinned. If you expected this, call trustServerHostKey with the new fingerprint.", null);
            }
            throw new ServerUnreachableException("Cannot reach " + server.host() + ":" + server.port() + " over SSH ("
                    + reason(e) + ").", null);
        }
    }

    /** A short, secret-free reason from the cause chain. */
    private static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            var name = t.getClass().getSimpleName();
            if (name.contains("UserAuth")) return "the key was refused";
            if (t instanceof java.net.ConnectException) return "connection refused";
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("timeout")) return "timed out";
        }
        return e.getClass().getSimpleName();
    }

    private void evictIdle() {
        var cutoff = Instant.now().minus(properties.idleEviction());
        pool.forEach((id, pooled) -> {
            if (pooled.lastUsed()[0].isBefore(cutoff) || !pooled.client().isConnected()) forget(id);
        });
    }

    @PreDestroy
    void closeAll() {
        pool.keySet().forEach(this::forget);
    }

    /** OpenSSH's {@code SHA256:...} fingerprint of a public key. */
    public static String fingerprint(PublicKey key) {
        return fingerprint(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
    }

    /** OpenSSH's {@code SHA256:...} fingerprint of a public key blob. */
    public static String fingerprint(byte[] publicBlob) {
        try {
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(publicBlob));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readCapped(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        var buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (out.size() < MAX_OUTPUT) out.write(buffer, 0, Math.min(n, MAX_OUTPUT - out.size()));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void close(SSHClient client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
