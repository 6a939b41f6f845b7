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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteShell} over sshj: one pooled, kept-alive connection per server, opened once however many callers
 * ask at the same time, reused only while the server's address, user, key and pinned host key are unchanged, and
 * evicted only when idle: no channel open (a build or a log follow keeps its connection) and unused for the
 * eviction period. The host key must match the pinned fingerprint; on first contact the presented one is
 * remembered for pinning. Output is capped; commands time out for real (the channel is closed). The only class
 * that opens SSH connections.
 */
@Singleton
public final class SshjRemoteShell implements RemoteShell {
    private static final Logger LOG = LoggerFactory.getLogger(SshjRemoteShell.class);
    static final int MAX_OUTPUT = 1 << 20;

    /** A pooled connection: the server as it was when connected, and how many channels are open on it now. */
    private static final class Pooled {
        final SSHClient client;
        final String hostKey;
        final ServerRef openedFor;
        final AtomicInteger openChannels = new AtomicInteger();
        volatile Instant lastUsed = Instant.now();

        Pooled(SSHClient client, String hostKey, ServerRef openedFor) {
            this.client = client;
            this.hostKey = hostKey;
            this.openedFor = openedFor;
        }

        /** Counts a channel as open until the returned handle is closed; the connection is not idle meanwhile. */
        Runnable acquire() {
            openChannels.incrementAndGet();
            lastUsed = Instant.now();
            var released = new java.util.concurrent.atomic.AtomicBoolean();
            return () -> {
                if (released.compareAndSet(false, true)) {
                    lastUsed = Instant.now();
                    openChannels.decrementAndGet();
                }
            };
        }
    }

    private final SshProperties properties;
    private final ConcurrentHashMap<UUID, Pooled> pool = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, Object> connecting = new ConcurrentHashMap<>();
    private final AtomicLong opened = new AtomicLong();

    SshjRemoteShell(SshProperties properties, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        this.properties = properties;
        scheduler.scheduleAtFixedRate(properties.idleEviction(), properties.idleEviction(), this::evictIdle);
    }

    /** SSH connections this process has opened so far. */
    long connectionsOpened() {
        return opened.get();
    }

    @Override
    public ExecResult run(ServerRef server, Argv argv) {
        return run(server, argv, () -> false);
    }

    /** Waits for {@code result} until {@code deadline}, in slices, giving up when {@code stop} says so. */
    private static <T> T await(java.util.concurrent.Future<T> result, long deadline, java.util.function.BooleanSupplier stop)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            long left = remaining(deadline);
            try {
                return result.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(250)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException slice) {
                if (stop.getAsBoolean()) throw new StoppedException();
                if (remaining(deadline) <= 0) throw slice;
            }
        }
    }

    @Override
    public ExecResult run(ServerRef server, Argv argv, java.util.function.BooleanSupplier stop) {
        var connection = connection(server);
        var release = connection.acquire();
        var readers = Executors.newVirtualThreadPerTaskExecutor();
        Session session = null;
        boolean timedOut = false;
        try {
            session = connection.client.startSession();
            var command = session.exec(ShellLine.render(argv));
            var deadline = System.nanoTime() + properties.commandTimeout().toNanos();
            try {
                var out = readers.submit(() -> readCapped(command.getInputStream()));
                var err = readers.submit(() -> readCapped(command.getErrorStream()));
                String stdout;
                String stderr;
                try {
                    stdout = await(out, deadline, stop);
                    stderr = await(err, deadline, stop);
                } catch (StoppedException stopped) {
                    timedOut = true; // closed in the background like a timed-out command
                    try {
                        command.signal(net.schmizz.sshj.connection.channel.direct.Signal.KILL);
                    } catch (IOException gone) {
                        // the channel is already gone
                    }
                    throw stopped;
                }
                command.join(Math.max(1, remaining(deadline)), TimeUnit.NANOSECONDS);
                var status = command.getExitStatus();
                return new ExecResult(status == null ? -1 : status, stdout, stderr);
            } catch (TimeoutException e) {
                // kill the remote command; the channel is closed in the background (sshd may confirm only once
                // the process is gone), so the caller gets its answer at the timeout, not after the command
                timedOut = true;
                try {
                    command.signal(net.schmizz.sshj.connection.channel.direct.Signal.KILL);
                } catch (IOException gone) {
                    // the channel is already gone
                }
                throw new ServerUnreachableException("The command did not finish within " + properties.commandTimeout() + ".", null);
            } catch (ExecutionException | InterruptedException e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new ServerUnreachableException("Lost the connection to the server while a command ran.", null);
            }
        } catch (IOException e) {
            forget(server.id());
            throw new ServerUnreachableException("Lost the connection to the server: " + Reasons.plain(e), null);
        } finally {
            var opened = session;
            if (timedOut && opened != null) {
                Thread.ofVirtual().name("berth-ssh-close").start(() -> {
                    closeQuietly(opened);
                    release.run();
                });
            } else {
                if (opened != null) closeQuietly(opened);
                release.run();
            }
            readers.shutdownNow(); // never waits for a reader: they end when the channel closes
        }
    }

    @Override
    public Duplex start(ServerRef server, Argv argv) {
        var connection = connection(server);
        var release = connection.acquire();
        Session session;
        Session.Command command;
        try {
            session = connection.client.startSession();
            command = session.exec(ShellLine.render(argv));
        } catch (IOException e) {
            release.run();
            forget(server.id());
            throw new ServerUnreachableException("Lost the connection to the server: " + Reasons.plain(e), null);
        }
        Thread.ofVirtual().name("berth-ssh-stderr").start(() -> {
            try {
                command.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the channel closed
            }
        });
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        return new Duplex() {
            public InputStream in() { return command.getInputStream(); }
            public java.io.OutputStream out() { return command.getOutputStream(); }
            public void close() {
                if (!closed.compareAndSet(false, true)) return;
                closeQuietly(session);
                release.run();
            }
        };
    }

    private static void closeQuietly(net.schmizz.sshj.connection.channel.direct.Session session) {
        try {
            session.close();
        } catch (IOException ignored) {
            // the connection is gone; the pool notices on next use
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Opens a channel to a Unix socket on the server, over the pooled (pinned, authenticated) connection. */
    /** A stream to a Unix socket on the server (OpenSSH's stream-local forwarding): its Docker socket, its proxy's admin socket. */
    public Duplex openStreamLocal(ServerRef server, String socketPath) throws IOException {
        var connection = connection(server);
        var release = connection.acquire();
        var channel = new StreamLocalChannel(connection.client.getConnection(), socketPath);
        try {
            channel.open();
        } catch (IOException | RuntimeException e) {
            release.run();
            throw e;
        }
        return channelDuplex(channel, release);
    }

    /** A direct channel as a {@link Duplex}; closing it closes the channel and releases the pooled connection. */
    private static Duplex channelDuplex(net.schmizz.sshj.connection.channel.Channel channel, Runnable release) {
        return new Duplex() {
            public InputStream in() { return channel.getInputStream(); }
            public java.io.OutputStream out() { return channel.getOutputStream(); }
            public void close() throws IOException {
                try {
                    channel.close();
                } finally {
                    release.run();
                }
            }
        };
    }

    /**
     * A TCP connection made by the server itself (an SSH {@code direct-tcpip} channel) to {@code host:port} as the
     * server sees it: how Berth checks a container's health without the image needing curl and without the port
     * being published. Public for the health check only.
     */
    public Duplex openTcp(ServerRef server, String host, int port) throws IOException {
        var connection = connection(server);
        var release = connection.acquire();
        net.schmizz.sshj.connection.channel.direct.DirectConnection channel;
        try {
            channel = connection.client.newDirectConnection(host, port);
        } catch (IOException | RuntimeException e) {
            release.run();
            throw e;
        }
        return channelDuplex(channel, release);
    }

    /**
     * The fallback where the server's sshd refuses stream-local forwarding: the Docker CLI on the server
     * relays its stdin and stdout to the socket ({@code docker -H unix://<socket> system dial-stdio}).
     */
    Duplex openDialStdio(ServerRef server, String socketPath) throws IOException {
        var connection = connection(server);
        var release = connection.acquire();
        net.schmizz.sshj.connection.channel.direct.Session.Command command;
        net.schmizz.sshj.connection.channel.direct.Session session;
        try {
            session = connection.client.startSession();
            command = session.exec(ShellLine.render(Argv.of("docker", "-H", "unix://" + socketPath, "system", "dial-stdio")));
        } catch (IOException | RuntimeException e) {
            release.run();
            throw e;
        }
        var started = session;
        var running = command;
        return new Duplex() {
            public InputStream in() { return running.getInputStream(); }
            public java.io.OutputStream out() { return running.getOutputStream(); }
            public void close() throws IOException {
                try {
                    running.close();
                    started.close();
                } finally {
                    release.run();
                }
            }
        };
    }

    @Override
    public Optional<String> presentedHostKey(UUID serverId) {
        return Optional.ofNullable(pool.get(serverId)).map(pooled -> pooled.hostKey);
    }

    @Override
    public void forget(UUID serverId) {
        var pooled = pool.remove(serverId);
        if (pooled != null) close(pooled.client);
    }

    /**
     * The pooled connection, opened by the first caller while concurrent callers for the same server wait for
     * it. A connection opened for another address, user, key or pinned host key (the server was updated) is closed.
     */
    private Pooled connection(ServerRef server) {
        var existing = pool.get(server.id());
        if (usable(existing, server)) return existing;
        synchronized (connecting.computeIfAbsent(server.id(), id -> new Object())) {
            existing = pool.get(server.id());
            if (usable(existing, server)) return existing;
            if (existing != null) forget(server.id());
            var connected = connect(server);
            pool.put(server.id(), connected);
            return connected;
        }
    }

    private static boolean usable(Pooled pooled, ServerRef server) {
        return pooled != null && pooled.client.isConnected() && pooled.client.isAuthenticated() && pooled.openedFor.equals(server);
    }

    /**
     * AES-GCM on the JDK's provider first ({@link JdkAesGcm}), then AES-CTR, then the rest (ChaCha20-Poly1305): sshj's
     * ciphers run on BouncyCastle's plain Java. With ChaCha20 first, decrypting a database dump streamed over the
     * server's connection took most of Berth's CPU (JFR, bench/run.sh backup).
     */
    static List<net.schmizz.sshj.common.Factory.Named<net.schmizz.sshj.transport.cipher.Cipher>> preferred(
            List<net.schmizz.sshj.common.Factory.Named<net.schmizz.sshj.transport.cipher.Cipher>> ciphers) {
        var ordered = new java.util.ArrayList<>(JdkAesGcm.factories()); // sshj's own GCM ciphers give way to these
        var ours = ordered.stream().map(net.schmizz.sshj.common.Factory.Named::getName).toList();
        ciphers.stream().filter(cipher -> !ours.contains(cipher.getName())).forEach(ordered::add);
        ordered.sort(java.util.Comparator.comparingInt(cipher -> {
            var name = cipher.getName();
            if (name.contains("-gcm")) return 0;
            if (name.endsWith("-ctr")) return 1;
            return 2;
        }));
        return ordered;
    }

    private Pooled connect(ServerRef server) {
        // the resolved address is checked and connected to as is: a name cannot re-resolve elsewhere in between
        var address = HostPolicy.resolveAllowed(server.host(), HostPolicy.DNS);
        var config = new DefaultConfig();
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        config.setCipherFactories(preferred(config.getCipherFactories()));
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
            client.connect(address, server.port());
            // Small request/reply packets: without this, Nagle and delayed ACKs add ~40 ms per round trip.
            client.getSocket().setTcpNoDelay(true);
            client.getConnection().getKeepAlive().setKeepAliveInterval((int) properties.keepAlive().toSeconds());
            client.authPublickey(server.user(), client.loadKeys(server.privateKey().value(), null, null));
            LOG.info("event=ssh-connected server={} hostKey={}", server.id(), presented[0]);
            opened.incrementAndGet();
            return new Pooled(client, presented[0], server);
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
        return Reasons.plain(e);
    }

    private void evictIdle() {
        var cutoff = Instant.now().minus(properties.idleEviction());
        pool.forEach((id, pooled) -> {
            boolean idle = pooled.openChannels.get() == 0 && pooled.lastUsed.isBefore(cutoff);
            if ((idle || !pooled.client.isConnected()) && pool.remove(id, pooled)) close(pooled.client);
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
