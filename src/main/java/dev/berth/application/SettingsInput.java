package dev.berth.application;

import dev.berth.application.ApplicationSettings.HealthCheck;
import dev.berth.application.ApplicationSettings.Port;
import dev.berth.application.ApplicationSettings.RestartPolicy;
import dev.berth.application.ApplicationSettings.StopSignal;
import dev.berth.application.ApplicationSettings.Volume;
import dev.berth.errors.InvalidInputException;
import dev.berth.project.ResourceName;
import dev.berth.server.NetworkMode;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings fields of createApplication / updateApplication, validated at the edge (each error names its field).
 * A null field is left as it is; {@code cpuLimit} 0, {@code memoryLimitMiB} 0 and an empty {@code command} remove;
 * {@code networkMode} given as null goes back to the server's.
 */
public record SettingsInput(@Nullable List<Port> ports, @Nullable List<String> command, @Nullable HealthCheck healthCheck,
                            boolean removeHealthCheck, @Nullable RestartPolicy restartPolicy, @Nullable Double cpuLimit,
                            @Nullable Integer memoryLimitMiB, @Nullable Map<String, String> labels, @Nullable List<Volume> volumes,
                            @Nullable StopSignal stopSignal, @Nullable Integer stopGracePeriodSeconds,
                            boolean networkModeGiven, @Nullable NetworkMode networkMode) {
    /** The longest a stop may wait before Docker kills the container. */
    static final int MAX_STOP_GRACE_SECONDS = 600;


    /** Reads the fields present in a mutation's {@code input}. */
    @SuppressWarnings("unchecked")
    public static SettingsInput from(Map<String, Object> input) {
        return new SettingsInput(
                input.containsKey("ports") ? ports((List<Map<String, Object>>) input.get("ports")) : null,
                input.containsKey("command") ? command((List<String>) input.get("command")) : null,
                input.get("healthCheck") == null ? null : health((Map<String, Object>) input.get("healthCheck")),
                Boolean.TRUE.equals(input.get("removeHealthCheck")),
                input.get("restartPolicy") == null ? null : RestartPolicy.valueOf(input.get("restartPolicy").toString()),
                input.get("cpuLimit") == null ? null : cpu(input.get("cpuLimit")),
                input.get("memoryLimitMiB") == null ? null : memory(input.get("memoryLimitMiB")),
                input.containsKey("labels") ? labels(input.get("labels")) : null,
                input.containsKey("volumes") ? volumes((List<Map<String, Object>>) input.get("volumes")) : null,
                input.get("stopSignal") == null ? null : StopSignal.valueOf(input.get("stopSignal").toString()),
                input.get("stopGracePeriodSeconds") == null ? null : grace(input.get("stopGracePeriodSeconds")),
                input.containsKey("networkMode"),
                input.get("networkMode") == null ? null : NetworkMode.valueOf(input.get("networkMode").toString()));
    }

    /** {@code current} with every given field replaced. */
    ApplicationSettings applyTo(ApplicationSettings current) {
        var health = removeHealthCheck ? null : current.healthCheck();
        if (healthCheck != null) health = healthCheck;
        return new ApplicationSettings(ports == null ? current.ports() : ports,
                command == null ? current.command() : command.isEmpty() ? null : command,
                health, restartPolicy == null ? current.restartPolicy() : restartPolicy,
                cpuLimit == null ? current.cpuLimit() : cpuLimit == 0 ? null : cpuLimit,
                memoryLimitMiB == null ? current.memoryLimitMiB() : memoryLimitMiB == 0 ? null : memoryLimitMiB,
                labels == null ? current.labels() : labels, volumes == null ? current.volumes() : volumes,
                stopSignal == null ? current.stopSignal() : stopSignal,
                stopGracePeriodSeconds == null ? current.stopGracePeriodSeconds() : stopGracePeriodSeconds,
                networkModeGiven ? networkMode : current.networkMode());
    }

    private static int grace(Object value) {
        if (!(value instanceof Integer seconds) || seconds < 0 || seconds > MAX_STOP_GRACE_SECONDS) {
            throw new InvalidInputException("input.stopGracePeriodSeconds", "0 to " + MAX_STOP_GRACE_SECONDS + " seconds");
        }
        return seconds;
    }

    private static List<Port> ports(List<Map<String, Object>> list) {
        if (list == null) return List.of();
        var ports = new ArrayList<Port>();
        var seen = new java.util.HashSet<Integer>();
        for (int i = 0; i < list.size(); i++) {
            var field = "input.ports[" + i + "]";
            int container = port(field + ".containerPort", list.get(i).get("containerPort"));
            var host = list.get(i).get("hostPort") == null ? null : port(field + ".hostPort", list.get(i).get("hostPort"));
            if (host != null && !seen.add(host)) throw new InvalidInputException(field + ".hostPort", "published twice");
            ports.add(new Port(container, host));
        }
        return ports;
    }

    static int port(String field, Object value) {
        if (!(value instanceof Integer p) || p < 1 || p > 65535) throw new InvalidInputException(field, "a port is 1 to 65535");
        return p;
    }

    private static List<String> command(List<String> args) {
        if (args == null || args.isEmpty()) return List.of();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).length() > 4096) throw new InvalidInputException("input.command[" + i + "]", "at most 4096 characters");
        }
        return args;
    }

    private static HealthCheck health(Map<String, Object> input) {
        var path = input.get("path") instanceof String s ? s : "";
        if (!path.startsWith("/") || path.length() > 1024 || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidInputException("input.healthCheck.path", "a path starting with '/', printable ASCII without spaces, at most 1024 characters");
        }
        return new HealthCheck(path, port("input.healthCheck.port", input.get("port")),
                number(input, "expectedStatus", 200, 100, 599), number(input, "intervalSeconds", 5, 1, 3600),
                number(input, "timeoutSeconds", 3, 1, 600), number(input, "retries", 5, 1, 100),
                number(input, "startPeriodSeconds", 10, 0, 3600));
    }

    private static int number(Map<String, Object> input, String key, int fallback, int min, int max) {
        var value = input.get(key);
        if (value == null) return fallback;
        if (!(value instanceof Integer n) || n < min || n > max) throw new InvalidInputException("input.healthCheck." + key, "must be " + min + " to " + max);
        return n;
    }

    private static Double cpu(Object value) {
        double cores = ((Number) value).doubleValue();
        if (cores == 0) return 0.0;
        if (!(cores > 0 && cores <= 256)) throw new InvalidInputException("input.cpuLimit", "greater than 0 and at most 256 cores");
        return cores;
    }

    private static Integer memory(Object value) {
        int mib = (Integer) value;
        if (mib == 0) return 0;
        if (mib < 6 || mib > 1_048_576) throw new InvalidInputException("input.memoryLimitMiB", "6 to 1048576 MiB");
        return mib;
    }

    private static Map<String, String> labels(Object value) {
        if (value == null) return Map.of();
        if (!(value instanceof Map<?, ?> map)) throw new InvalidInputException("input.labels", "must be a JSON object of strings");
        if (map.size() > 100) throw new InvalidInputException("input.labels", "at most 100 labels");
        var labels = new LinkedHashMap<String, String>();
        map.forEach((k, v) -> {
            var key = k.toString();
            if (key.isEmpty() || key.length() > 128 || !key.matches("[A-Za-z0-9][A-Za-z0-9._/-]*")) {
                throw new InvalidInputException("input.labels", "keys are 1 to 128 letters, digits, '.', '_', '/', '-'");
            }
            if (key.startsWith("berth.")) throw new InvalidInputException("input.labels", "keys starting with 'berth.' are Berth's own");
            if (!(v instanceof String s) || s.length() > 1024 || s.chars().anyMatch(c -> c < 0x20)) {
                throw new InvalidInputException("input.labels", "values are strings of at most 1024 characters, no control characters");
            }
            labels.put(key, s);
        });
        return labels;
    }

    private static List<Volume> volumes(List<Map<String, Object>> list) {
        if (list == null) return List.of();
        var volumes = new ArrayList<Volume>();
        for (int i = 0; i < list.size(); i++) {
            var field = "input.volumes[" + i + "]";
            var name = ResourceName.of(field + ".name", list.get(i).get("name")).value();
            var path = list.get(i).get("mountPath") instanceof String s ? s : "";
            if (!path.startsWith("/") || path.length() > 1024 || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == ':' || c == ',')
                    || List.of(path.split("/")).contains("..")) {
                throw new InvalidInputException(field + ".mountPath", "an absolute path without '..', ':', ',' or control characters");
            }
            volumes.add(new Volume(name, path));
        }
        return volumes;
    }
}
