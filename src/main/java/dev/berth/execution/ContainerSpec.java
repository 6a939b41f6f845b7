package dev.berth.execution;

import dev.berth.secrets.Secret;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Map;

/**
 * A container to create, as data. Environment values are {@link Secret}s (printed as {@code ***}) and reach Docker
 * through the Engine API's {@code Env}, never argv or a shell line. {@code network} is a Docker network mode
 * ({@code bridge}, {@code host}, or a network name). {@code stopSignal} and {@code stopGraceSeconds} are what
 * {@code docker stop} does to it unless told otherwise.
 */
public record ContainerSpec(String name, String image, Map<String, String> labels, Map<String, Secret> env,
                            @Nullable List<String> command, List<PortBinding> ports, String restartPolicy,
                            @Nullable Double cpuLimit, @Nullable Integer memoryLimitMiB, List<Mount> volumes, String network,
                            String stopSignal, int stopGraceSeconds) {
    public ContainerSpec {
        labels = Map.copyOf(labels);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        command = command == null ? null : List.copyOf(command);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
    }

    /** The same container with these labels. */
    public ContainerSpec withLabels(Map<String, String> labels) {
        return new ContainerSpec(name, image, labels, env, command, ports, restartPolicy, cpuLimit, memoryLimitMiB, volumes, network, stopSignal,
                stopGraceSeconds);
    }

    /** A container port and the fixed host port it is published on, or null. */
    public record PortBinding(int containerPort, @Nullable Integer hostPort) {}

    /** A named volume mounted at a path. */
    public record Mount(String volume, String path) {}
}
