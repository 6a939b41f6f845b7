package dev.berth.server;

import dev.berth.storage.InTeam;
import dev.berth.api.Viewer;
import dev.berth.errors.ConflictException;
import dev.berth.errors.ForbiddenException;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.project.ResourceName;
import dev.berth.secrets.SecretBox;
import dev.berth.server.ServerRepositories.PrivateKeyRepository;
import dev.berth.server.ServerRepositories.ServerRepository;
import dev.berth.storage.Ids;
import dev.berth.storage.UniqueViolation;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Private keys and servers of the viewer's team. Ids nested in inputs are team-scoped too. */
@Singleton
public class ServerService {
    private final PrivateKeyRepository keys;
    /** {@code BERTH_DEPLOYMENTS_NETWORK}: the network of a server that chooses none. */
    private final String configuredNetwork;
    private final ServerRepository servers;
    private final ServerLocks locks;
    private final SecretBox box;
    private final dev.berth.execution.RemoteShell shell;
    private final dev.berth.execution.DockerEngines docker;

    private final io.micronaut.context.event.ApplicationEventPublisher<PrivateKeyDeleting> deleting;
    private final io.micronaut.context.event.ApplicationEventPublisher<ServerNetworkChanging> networkChanging;

    ServerService(PrivateKeyRepository keys, ServerRepository servers, ServerLocks locks, SecretBox box,
                  dev.berth.execution.RemoteShell shell, dev.berth.execution.DockerEngines docker,
                  io.micronaut.context.event.ApplicationEventPublisher<PrivateKeyDeleting> deleting,
                  io.micronaut.context.event.ApplicationEventPublisher<ServerNetworkChanging> networkChanging,
                  @io.micronaut.context.annotation.Value("${berth.deployments.network:bridge}") String configuredNetwork) {
        this.networkChanging = networkChanging;
        this.configuredNetwork = configuredNetwork;
        this.deleting = deleting;
        this.shell = shell;
        this.docker = docker;
        this.keys = keys;
        this.servers = servers;
        this.locks = locks;
        this.box = box;
    }

    @InTeam
    public PrivateKey generateKey(Viewer viewer, ResourceName name, PrivateKey.Purpose purpose) {
        return saveKey(viewer, name, KeyMaterial.generateEd25519(), purpose);
    }

    @InTeam
    public PrivateKey importKey(Viewer viewer, ResourceName name, KeyMaterial.Pair key, PrivateKey.Purpose purpose) {
        return saveKey(viewer, name, key, purpose);
    }

    @InTeam(readOnly = true)
    public List<PrivateKey> keys(Viewer viewer) {
        return keys.findByTeamIdOrderByName(viewer.teamId());
    }

    @InTeam(readOnly = true)
    public Map<UUID, PrivateKey> keysByIds(Viewer viewer, Collection<UUID> ids) {
        return keys.findByTeamIdAndIdIn(viewer.teamId(), ids).stream().collect(java.util.stream.Collectors.toMap(PrivateKey::id, k -> k));
    }

    /** Deleting a key a server still uses is a CONFLICT. */
    @InTeam
    public UUID deleteKey(Viewer viewer, UUID id) {
        var key = key(viewer, id);
        if (servers.existsByPrivateKeyId(key.id())) throw new ConflictException("The key is used by a server; change or delete the server first.");
        deleting.publishEvent(new PrivateKeyDeleting(viewer.teamId(), key.id())); // an application using it refuses
        keys.delete(key);
        return id;
    }

    @InTeam(readOnly = true)
    public List<Server> servers(Viewer viewer) {
        return servers.findByTeamIdOrderByName(viewer.teamId());
    }

    @InTeam(readOnly = true)
    public Server server(Viewer viewer, UUID id) {
        return load(viewer, id);
    }

    /** Inside a transaction whose tenancy the public method already entered. */
    private Server load(Viewer viewer, UUID id) {
        return servers.findByIdAndTeamId(id, viewer.teamId()).orElseThrow(() -> new NotFoundException("Server", id));
    }

    @InTeam
    public Server create(Viewer viewer, ServerInputs.NewServer input) {
        var name = input.name();
        var socket = input.dockerSocket();
        if (input.local()) {
            // The Berth host's own Docker daemon is shared by every team: only the instance admin may hand it out.
            if (!viewer.instanceAdmin()) throw new ForbiddenException("Only the instance administrator can add the Berth host itself.");
            var local = new Server(Ids.next(), viewer.teamId(), name.value(), "localhost", 22, "root", null, null,
                    ServerStatus.UNKNOWN, socket, Map.of(), null, 0, true, input.networkMode(), null, null);
            return unique(() -> servers.save(local), name);
        }
        var address = input.address();
        var key = serverKey(viewer, input.privateKeyId());
        var server = new Server(Ids.next(), viewer.teamId(), name.value(), address.host(), address.port(), address.user(),
                key.id(), null, ServerStatus.UNKNOWN, socket, Map.of(), null, 0, false, input.networkMode(), null, null);
        return unique(() -> servers.save(server), name);
    }

    /** The mode a server's applications use unless they choose their own: its own, else the configured default. */
    public NetworkMode networkMode(Server server) {
        return server.networkMode() != null ? server.networkMode() : NetworkMode.of(configuredNetwork);
    }

    /** The Docker network an application on {@code server} joins, given its own choice (null: the server's). */
    public String network(Server server, @io.micronaut.core.annotation.Nullable NetworkMode application) {
        return NetworkMode.effective(application, server.networkMode(), configuredNetwork);
    }

    @InTeam
    public Server update(Viewer viewer, UUID id, ServerInputs.ServerChange change) {
        var current = locks.locked(id, viewer.teamId()).orElseThrow(() -> new NotFoundException("Server", id));
        var name = change.name() == null ? new ResourceName(current.name()) : change.name();
        var socket = change.dockerSocket() == null ? current.dockerSocket() : change.dockerSocket();
        var mode = change.networkModeOf(current);
        if (current.local()) {
            // HOST on the Berth host puts every application beside Berth's own loopback services: the instance admin's call
            if (mode != current.networkMode() && !viewer.instanceAdmin()) {
                throw new ForbiddenException("Only the instance administrator can change the network of the Berth host itself.");
            }
            var local = current.with(name.value(), new ServerAddress(current.host(), current.port(), current.user()), null, socket, mode);
            networkChanging(current, local);
            return unique(() -> servers.update(local), name);
        }
        var address = change.applyTo(current);
        var keyId = change.privateKeyId() == null ? current.privateKeyId() : serverKey(viewer, change.privateKeyId()).id();
        var changed = current.with(name.value(), address, keyId, socket, mode);
        networkChanging(current, changed);
        var updated = unique(() -> servers.update(changed), name);
        forgetConnections(id); // every node also refuses a pooled connection made for other settings
        return updated;
    }

    /** When the network its applications follow changes, they check that no two of them would hold one port. */
    private void networkChanging(Server current, Server changed) {
        if (!network(current, null).equals(network(changed, null))) networkChanging.publishEvent(new ServerNetworkChanging(current, changed));
    }

    @InTeam
    public UUID delete(Viewer viewer, UUID id) {
        try {
            servers.delete(load(viewer, id));
        } catch (RuntimeException e) {
            if (UniqueViolation.stillReferenced(e)) throw new ConflictException("Applications or databases still run on the server, or backups go to it; move or delete them first.");
            throw e;
        }
        forgetConnections(id);
        return id;
    }

    /** Closes this node's SSH connection and Docker bridge to the server, and drops the decrypted key they held. */
    private void forgetConnections(UUID serverId) {
        shell.forget(serverId);
        docker.forget(serverId);
    }

    private PrivateKey key(Viewer viewer, UUID id) {
        return keys.findByIdAndTeamId(id, viewer.teamId()).orElseThrow(() -> new NotFoundException("PrivateKey", id));
    }

    /** A key a server may log in with: a deploy key (handed to servers for clones) never is. */
    private PrivateKey serverKey(Viewer viewer, UUID id) {
        var key = key(viewer, id);
        if (key.purpose() != PrivateKey.Purpose.SERVER) {
            throw new InvalidInputException("input.privateKeyId", "a deploy key cannot log into servers; use a key made with purpose SERVER");
        }
        return key;
    }

    private PrivateKey saveKey(Viewer viewer, ResourceName name, KeyMaterial.Pair pair, PrivateKey.Purpose purpose) {
        var id = Ids.next();
        var sealed = box.seal(pair.privatePem(), "private_keys:" + id);
        var key = new PrivateKey(id, viewer.teamId(), name.value(), pair.algorithm(), pair.publicKey(), pair.fingerprint(), sealed, purpose, null);
        return UniqueViolation.orConflict(() -> keys.save(key), "A key named '" + name.value() + "' already exists in this team.");
    }

    private static Server unique(java.util.function.Supplier<Server> write, ResourceName name) {
        return UniqueViolation.orConflict(write, "A server named '" + name.value() + "' already exists in this team.");
    }
}
