package dev.berth.application;

import dev.berth.server.NetworkMode;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Map;

/**
 * How an application's container is configured: everything but its source, name and place. Stored as JSON.
 * {@code networkMode} null: its server's.
 */
public record ApplicationSettings(List<Port> ports, @Nullable List<String> command, @Nullable HealthCheck healthCheck,
                                  RestartPolicy restartPolicy, @Nullable Double cpuLimit, @Nullable Integer memoryLimitMiB,
                                  Map<String, String> labels, List<Volume> volumes, @Nullable StopSignal stopSignal,
                                  @Nullable Integer stopGracePeriodSeconds, @Nullable NetworkMode networkMode) {
    /** What Docker does unless told otherwise: SIGTERM, then SIGKILL after 10 s. */
    public static final StopSignal DEFAULT_STOP_SIGNAL = StopSignal.SIGTERM;
    public static final int DEFAULT_STOP_GRACE_SECONDS = 10;

    public ApplicationSettings {
        ports = List.copyOf(ports);
        stopSignal = stopSignal == null ? DEFAULT_STOP_SIGNAL : stopSignal; // settings stored before stop settings existed
        stopGracePeriodSeconds = stopGracePeriodSeconds == null ? DEFAULT_STOP_GRACE_SECONDS : stopGracePeriodSeconds;
        command = command == null ? null : List.copyOf(command);
        labels = Map.copyOf(labels);
        volumes = List.copyOf(volumes);
    }

    public enum RestartPolicy { NO, ALWAYS, UNLESS_STOPPED, ON_FAILURE }

    /** The signal that asks the container's main process to stop. */
    public enum StopSignal { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGKILL }

    /** How long a stop waits for the container to exit after its stop signal before Docker kills it. */
    public java.time.Duration stopGrace() {
        return java.time.Duration.ofSeconds(stopGracePeriodSeconds);
    }

    /** A container port, optionally published on a fixed port of the server. */
    public record Port(int containerPort, @Nullable Integer hostPort) {}

    /** An HTTP check Berth makes itself; times in seconds. */
    public record HealthCheck(String path, int port, int expectedStatus, int intervalSeconds, int timeoutSeconds,
                              int retries, int startPeriodSeconds) {}

    /** A named volume and where it is mounted. */
    public record Volume(String name, String mountPath) {}

    /** True when a host port is fixed: two containers of the application cannot run side by side. */
    public boolean fixedHostPort() {
        return ports.stream().anyMatch(p -> p.hostPort() != null);
    }

    public static ApplicationSettings defaults() {
        return new ApplicationSettings(List.of(), null, null, RestartPolicy.UNLESS_STOPPED, null, null, Map.of(), List.of(), null, null, null);
    }
}
