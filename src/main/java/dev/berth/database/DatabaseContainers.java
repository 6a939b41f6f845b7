package dev.berth.database;

import dev.berth.execution.ContainerSpec;
import dev.berth.secrets.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** A database's container as data (pure): what its engine needs, its volume, limits, network and published port. */
final class DatabaseContainers {
    static final String LABEL = "berth.database";
    static final String TEAM_LABEL = "berth.team";
    /** A digest of everything the container was made from except secrets: a change means a new container. */
    static final String SPEC_LABEL = "berth.spec";
    static final int STOP_GRACE_SECONDS = 30;

    private DatabaseContainers() {}

    /**
     * How the engine is reached inside its container. On the host network it listens on its public port when it has
     * one (every database of a server needs a port of its own there), else on its engine's default.
     */
    static Engine.Credentials credentials(Database database, Secret password, boolean hostNetwork) {
        var engine = database.engineSpec();
        int port = hostNetwork && database.publicPort() != null && engine.listensAnywhere() ? database.publicPort() : engine.port();
        return new Engine.Credentials(database.username(), password, database.databaseName(), port);
    }

    static ContainerSpec spec(Database database, Secret password, String network) {
        var engine = database.engineSpec();
        boolean host = "host".equals(network);
        var credentials = credentials(database, password, host);
        var ports = new ArrayList<ContainerSpec.PortBinding>();
        if (!host) ports.add(new ContainerSpec.PortBinding(credentials.port(), database.publicPort()));
        var volumes = List.of(new ContainerSpec.Mount(database.volume(), engine.dataPath()));
        var withoutLabels = new ContainerSpec(database.containerName(), database.image(), Map.of(), engine.environment(credentials),
                engine.command(credentials), ports, "UNLESS_STOPPED", database.cpuLimit(), database.memoryLimitMiB(), volumes, network,
                "SIGTERM", STOP_GRACE_SECONDS);
        // the port, user and database's name are values of the environment for some engines: they count too
        var labels = Map.of(LABEL, database.id().toString(), TEAM_LABEL, database.teamId().toString(), SPEC_LABEL,
                digest(withoutLabels, "port=" + credentials.port() + " user=" + credentials.username() + " database=" + credentials.database()));
        return withoutLabels.withLabels(labels);
    }

    /**
     * The spec's digest: its image, command, ports, limits, volumes, network, environment keys (never values: the
     * password is one) and {@code plain}, the environment's values that are not secret.
     */
    static String digest(ContainerSpec spec, String plain) {
        var text = String.join("\n", plain, spec.image(), String.valueOf(spec.command()), String.valueOf(spec.ports()),
                String.valueOf(spec.cpuLimit()), String.valueOf(spec.memoryLimitMiB()), String.valueOf(spec.volumes()), spec.network(),
                String.valueOf(spec.env().keySet()), spec.restartPolicy(), spec.stopSignal(), Integer.toString(spec.stopGraceSeconds()));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
