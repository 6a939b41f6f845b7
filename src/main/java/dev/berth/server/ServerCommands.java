package dev.berth.server;

import dev.berth.api.Viewer;
import dev.berth.execution.Argv;
import dev.berth.execution.ExecResult;
import dev.berth.execution.RemoteShell;
import dev.berth.execution.ServerRef;
import dev.berth.secrets.SecretBox;
import dev.berth.server.ServerRepositories.PrivateKeyRepository;
import dev.berth.server.ServerRepositories.ServerRepository;
import dev.berth.storage.TeamTransactions;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * Runs commands on a team's server over SSH. Reading the server and its key happens in a short transaction,
 * the command outside any; on first contact the presented host key is pinned.
 */
@Singleton
public class ServerCommands {
    private final ServerService servers;
    private final ServerRepository serverRows;
    private final ServerLocks locks;
    private final PrivateKeyRepository keys;
    private final SecretBox box;
    private final RemoteShell shell;
    private final TeamTransactions transactions;
    private final dev.berth.execution.DockerEngines docker;
    private final dev.berth.execution.SshjRemoteShell tcp;

    ServerCommands(ServerService servers, ServerRepository serverRows, ServerLocks locks, PrivateKeyRepository keys, SecretBox box,
                   RemoteShell shell, TeamTransactions transactions,
                   dev.berth.execution.DockerEngines docker, dev.berth.execution.SshjRemoteShell tcp) {
        this.docker = docker;
        this.tcp = tcp;
        this.servers = servers;
        this.serverRows = serverRows;
        this.locks = locks;
        this.keys = keys;
        this.box = box;
        this.shell = shell;
        this.transactions = transactions;
    }

    /**
     * A docker-java client for the server's Docker daemon, over its SSH connection. On first contact the host key
     * is pinned before the bridge exists, so every later (re)connection of the bridge checks the pinned key.
     */
    public com.github.dockerjava.api.DockerClient docker(Viewer viewer, UUID serverId) {
        var target = target(viewer, serverId);
        var socket = target.server().dockerSocket();
        if (target.server().local()) return docker.local(socket);
        var ref = target.ref();
        if (ref.pinnedHostKey() == null) ref = firstContact(viewer, serverId, first -> docker.probe(first, socket));
        return docker.remote(ref, socket);
    }

    /**
     * A TCP connection to {@code host:port} made from the server (the Berth host itself for a local server, else
     * an SSH direct-tcpip channel): the health check's way to a container.
     */
    public dev.berth.execution.Duplex connectTcp(Viewer viewer, UUID serverId, String host, int port) throws java.io.IOException {
        var target = target(viewer, serverId);
        if (target.server().local()) {
            var socket = new java.net.Socket();
            socket.connect(new java.net.InetSocketAddress(host, port), 3000);
            return new dev.berth.execution.Duplex() {
                public java.io.InputStream in() throws java.io.IOException { return socket.getInputStream(); }
                public java.io.OutputStream out() throws java.io.IOException { return socket.getOutputStream(); }
                public void close() throws java.io.IOException { socket.close(); }
            };
        }
        return tcp.openTcp(target.ref(), host, port);
    }

    /**
     * A stream to the Unix socket {@code path} on the server (the Berth host itself for a local server, else an SSH
     * stream-local channel on the server's pinned connection): how its proxy's admin API is reached, never over TCP.
     */
    public dev.berth.execution.Duplex connectUnix(Viewer viewer, UUID serverId, String path) throws java.io.IOException {
        var target = target(viewer, serverId);
        if (target.server().local()) {
            var channel = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(path));
            return new dev.berth.execution.Duplex() {
                public java.io.InputStream in() { return java.nio.channels.Channels.newInputStream(channel); }
                public java.io.OutputStream out() { return java.nio.channels.Channels.newOutputStream(channel); }
                public void close() throws java.io.IOException { channel.close(); }
            };
        }
        var ref = target.ref();
        if (ref.pinnedHostKey() == null) ref = firstContact(viewer, serverId, first -> shell.run(first, Argv.of("true")));
        return tcp.openStreamLocal(ref, path);
    }

    /** The container seam for the server's Docker daemon. */
    public dev.berth.execution.Containers containers(Viewer viewer, UUID serverId) {
        return new dev.berth.execution.DockerContainers(docker(viewer, serverId));
    }

    public ExecResult run(Viewer viewer, UUID serverId, Argv argv) {
        return run(viewer, serverId, argv, () -> false);
    }

    /** The same, killed when {@code stop} says so (see {@link RemoteShell#run(ServerRef, Argv, java.util.function.BooleanSupplier)}). */
    public ExecResult run(Viewer viewer, UUID serverId, Argv argv, java.util.function.BooleanSupplier stop) {
        var ref = target(viewer, serverId).ref();
        if (ref == null) throw new dev.berth.errors.PolicyViolationException("The Berth host runs no commands over SSH; only its Docker is used.");
        if (ref.pinnedHostKey() == null) ref = firstContact(viewer, serverId, first -> shell.run(first, Argv.of("true")));
        return shell.run(ref, argv, stop);
    }

    /** Starts a command on the server and hands over its streams (see {@link RemoteShell#start}). */
    public dev.berth.execution.Duplex start(Viewer viewer, UUID serverId, Argv argv) {
        var ref = target(viewer, serverId).ref();
        if (ref == null) throw new dev.berth.errors.PolicyViolationException("The Berth host runs no commands over SSH; only its Docker is used.");
        return shell.start(ref, argv);
    }

    /**
     * A deploy key of the team, opened for one clone on a server; never returned by the API. Only a key made for
     * deploys ({@link PrivateKey.Purpose#DEPLOY}) is ever handed out: a server's key never leaves Berth.
     */
    public dev.berth.secrets.Secret deployKey(Viewer viewer, UUID keyId) {
        return transactions.read(viewer, () -> {
            var key = keys.findByIdAndTeamId(keyId, viewer.teamId())
                    .orElseThrow(() -> new dev.berth.errors.PolicyViolationException("the deploy key no longer exists"));
            if (key.purpose() != PrivateKey.Purpose.DEPLOY) {
                throw new dev.berth.errors.PolicyViolationException("the key '" + key.name() + "' is not a deploy key (its purpose is " + key.purpose() + ")");
            }
            // as a file OpenSSH accepts, also for keys stored before imports were normalised
            return new dev.berth.secrets.Secret(KeyMaterial.asFile(box.open(key.privateSealed(), "private_keys:" + key.id()).value()));
        });
    }

    /** First contacts under way, by server: their callers share one outcome. */
    private final java.util.concurrent.ConcurrentHashMap<UUID, java.util.concurrent.CompletableFuture<String>> firstContacts =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The first contact with a server whose host key is not pinned yet: one caller per server connects (through
     * {@code connect}) and pins the key it presented (trust on first use); callers arriving meanwhile wait for that
     * one outcome (interruptibly: a cancel or a stopping node is not held up) instead of each trying in turn. Without
     * this, two deployments starting together on a new server raced: one pinned, which closed the connection the
     * other was about to read the key from.
     */
    private ServerRef firstContact(Viewer viewer, UUID serverId, java.util.function.Consumer<ServerRef> connect) {
        var mine = new java.util.concurrent.CompletableFuture<String>();
        var shared = firstContacts.putIfAbsent(serverId, mine);
        if (shared == null) {
            try {
                var ref = target(viewer, serverId).ref();
                if (ref.pinnedHostKey() == null) {
                    connect.accept(ref);
                    var presented = shell.presentedHostKey(serverId).orElseThrow(() -> new dev.berth.execution.ServerUnreachableException(
                            "The server's host key could not be read at the first connection; try again.", null));
                    var pinned = pinFirst(viewer, serverId, presented);
                    if (!pinned.equals(presented)) {
                        throw new dev.berth.execution.ServerUnreachableException("The server presented " + presented + " but " + pinned
                                + " was pinned meanwhile. If you expected this, call trustServerHostKey with the new fingerprint.", null);
                    }
                }
                mine.complete("pinned");
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                firstContacts.remove(serverId, mine);
            }
        } else {
            try {
                shared.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.berth.execution.ServerUnreachableException("Stopped while waiting for the first connection to the server.", null);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException failure ? failure
                        : new dev.berth.execution.ServerUnreachableException("The first connection to the server failed.", null);
            }
        }
        return target(viewer, serverId).ref();
    }

    /** Pins the presented key unless a key is pinned already (another node's first contact); the key pinned now. */
    private String pinFirst(Viewer viewer, UUID serverId, String presented) {
        return transactions.write(viewer, () -> {
            var server = locks.locked(serverId, viewer.teamId())
                    .orElseThrow(() -> new dev.berth.errors.NotFoundException("Server", serverId));
            if (server.hostKeyFingerprint() != null) return server.hostKeyFingerprint();
            return serverRows.update(server.pinned(presented)).hostKeyFingerprint();
        });
    }

    /** Pins a host key the admin has checked (after the server was reinstalled, say). */
    public Server trust(Viewer viewer, UUID serverId, String fingerprint) {
        var server = pin(viewer, serverId, fingerprint);
        shell.forget(serverId);
        docker.forget(serverId);
        return server;
    }

    private Server pin(Viewer viewer, UUID serverId, String fingerprint) {
        return transactions.write(viewer, () -> {
            var server = locks.locked(serverId, viewer.teamId())
                    .orElseThrow(() -> new dev.berth.errors.NotFoundException("Server", serverId));
            return serverRows.update(server.pinned(fingerprint));
        });
    }

    /** A server and, unless it is local, how to reach it: read in one short transaction. */
    private record Target(Server server, ServerRef ref) {}

    private Target target(Viewer viewer, UUID serverId) {
        return transactions.read(viewer, () -> {
            var server = servers.server(viewer, serverId);
            if (server.local()) return new Target(server, null);
            var key = keys.findByIdAndTeamId(server.privateKeyId(), viewer.teamId()).orElseThrow();
            var pem = box.open(key.privateSealed(), "private_keys:" + key.id());
            return new Target(server, new ServerRef(server.id(), server.host(), server.port(), server.user(), pem, server.hostKeyFingerprint()));
        });
    }
}
