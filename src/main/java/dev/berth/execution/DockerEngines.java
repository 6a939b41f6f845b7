package dev.berth.execution;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Docker clients (docker-java's typed API): straight to a local socket for the Berth host, or through a
 * {@link SocketBridge} of SSH stream-local channels for a remote server. One bridge and client per server.
 */
@Singleton
public final class DockerEngines {
    /** A bridge and its client, and what they were made for: a changed server gets new ones. */
    private record Bridged(SocketBridge bridge, DockerClient client, ServerRef server, String socketPath) {}

    private final SshjRemoteShell ssh;
    private final ConcurrentHashMap<UUID, Bridged> remote = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DockerClient> locals = new ConcurrentHashMap<>();

    DockerEngines(SshjRemoteShell ssh) {
        this.ssh = ssh;
    }

    /** The client for the Docker daemon listening on a Unix socket of this machine: one per socket, kept. */
    public DockerClient local(String socketPath) {
        return locals.computeIfAbsent(socketPath, path -> client("unix://" + path));
    }

    /** How a server's Docker socket is reached: learned at the first probe, per server. */
    private enum Route { STREAM_LOCAL, DIAL_STDIO }

    private final ConcurrentHashMap<UUID, Route> routes = new ConcurrentHashMap<>();

    /**
     * Opens and closes one stream to the socket, preferring stream-local forwarding and falling back to
     * {@code docker system dial-stdio} when the server's sshd refuses it; SERVER_UNREACHABLE when SSH fails.
     */
    public void probe(ServerRef server, String socketPath) {
        try {
            ssh.openStreamLocal(server, socketPath).close();
            routes.put(server.id(), Route.STREAM_LOCAL);
        } catch (ServerUnreachableException e) {
            throw e;
        } catch (IOException refused) {
            routes.put(server.id(), Route.DIAL_STDIO);
        }
    }

    private Duplex open(ServerRef server, String socketPath) throws IOException {
        return routes.getOrDefault(server.id(), Route.STREAM_LOCAL) == Route.DIAL_STDIO
                ? ssh.openDialStdio(server, socketPath)
                : ssh.openStreamLocal(server, socketPath);
    }

    /** A client for the Docker daemon on a remote server, reached over its SSH connection. */
    public DockerClient remote(ServerRef server, String socketPath) {
        var existing = remote.get(server.id());
        if (existing != null && existing.server().equals(server) && existing.socketPath().equals(socketPath)) return existing.client();
        if (existing != null) forget(server.id()); // the server changed (host, user, key, socket): never reuse the old bridge
        probe(server, socketPath);
        return remote.computeIfAbsent(server.id(), id -> {
            var bridge = new SocketBridge(() -> open(server, socketPath));
            return new Bridged(bridge, client("unix://" + bridge.socket()), server, socketPath);
        }).client();
    }

    public void forget(UUID serverId) {
        routes.remove(serverId);
        var bridged = remote.remove(serverId);
        if (bridged != null) close(bridged);
    }

    /**
     * The client's settings: the daemon's address and nothing else. Never {@code createDefaultConfigBuilder()}: it
     * reads the Berth host's {@code ~/.docker/config.json} (sent whole with every build as {@code X-Registry-Config},
     * and with every pull that names no credentials) and {@code DOCKER_*}/{@code REGISTRY_*} variables. Every client
     * gets an empty Docker config directory of its own: only an application's registry credentials, passed per pull,
     * ever reach a daemon.
     */
    static DefaultDockerClientConfig config(String host) {
        return new DefaultDockerClientConfig.Builder().withDockerHost(host).withDockerConfig(EmptyDockerConfig.DIR.toString()).build();
    }

    /** An empty, owner-only directory standing for the Docker config: made once per process. */
    private static final class EmptyDockerConfig {
        static final java.nio.file.Path DIR = make();

        private static java.nio.file.Path make() {
            try {
                var dir = java.nio.file.Files.createTempDirectory("berth-docker-config-",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
                dir.toFile().deleteOnExit();
                return dir;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static DockerClient client(String host) {
        var config = config(host);
        var http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(10))
                .responseTimeout(Duration.ofMinutes(30))
                .maxConnections(32)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    @PreDestroy
    void closeAll() {
        remote.keySet().forEach(this::forget);
        locals.values().forEach(client -> {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        });
        locals.clear();
    }

    private static void close(Bridged bridged) {
        try {
            bridged.client().close();
        } catch (IOException ignored) {
            // closing anyway
        }
        bridged.bridge().close();
    }
}
