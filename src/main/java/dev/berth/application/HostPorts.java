package dev.berth.application;

import dev.berth.errors.ConflictException;
import dev.berth.errors.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ports of its server an application holds: its fixed host ports and, on the host network, every container port
 * (a container there binds the server's own ports). Two applications on one server cannot hold the same one: the
 * second would crash-loop on "address already in use" while its health check reached the first. Pure.
 */
final class HostPorts {
    private HostPorts() {}

    /** Each port held, with the input field that asks for it; a hostPort that cannot be on the host network is refused. */
    static Map<Integer, String> held(ApplicationSettings settings, boolean hostNetwork) {
        return held(settings, hostNetwork, true);
    }

    /** What an application already stored holds, refusing nothing (see below). */
    static Map<Integer, String> stored(ApplicationSettings settings, boolean hostNetwork) {
        return held(settings, hostNetwork, false);
    }

    /**
     * The same without refusing anything: what an application already stored holds (its settings may predate a change
     * of network; on the host network its container binds its container ports, whatever hostPort says).
     */
    private static Map<Integer, String> held(ApplicationSettings settings, boolean hostNetwork, boolean check) {
        var held = new LinkedHashMap<Integer, String>();
        for (int i = 0; i < settings.ports().size(); i++) {
            var port = settings.ports().get(i);
            var field = "input.ports[" + i + "]";
            if (!check && hostNetwork) {
                held.put(port.containerPort(), field + ".containerPort");
                continue;
            }
            if (hostNetwork && port.hostPort() != null && port.hostPort() != port.containerPort()) {
                throw new InvalidInputException(field + ".hostPort", "on the host network a container port is the server's port: "
                        + "leave hostPort out or make it the containerPort (" + port.containerPort() + ")");
            }
            if (port.hostPort() != null) held.put(port.hostPort(), field + ".hostPort");
            else if (hostNetwork) held.put(port.containerPort(), field + ".containerPort");
        }
        // on the host network the port the health check reaches is one the container binds, listed or not
        if (hostNetwork && settings.healthCheck() != null) held.putIfAbsent(settings.healthCheck().port(), "input.healthCheck.port");
        return held;
    }

    /**
     * CONFLICT with the field when one of {@code wanted} is held by one of {@code others} (name to its settings; each
     * on the host network or not by its own choice or its server's).
     */
    static void refuseClashes(Map<Integer, String> wanted, Map<String, ApplicationSettings> others,
                              java.util.function.Predicate<ApplicationSettings> onHostNetwork) {
        for (var other : others.entrySet()) {
            var held = stored(other.getValue(), onHostNetwork.test(other.getValue()));
            for (var port : wanted.entrySet()) {
                if (held.containsKey(port.getKey())) {
                    throw new ConflictException(port.getValue(), "port " + port.getKey() + " of the server is already held by the application '"
                            + other.getKey() + "': two applications cannot publish one port on a server");
                }
            }
        }
    }

    /**
     * CONFLICT on {@code field} when a change of the network that {@code applications} (name to settings) follow would
     * make two of them hold one port of the server, or would put on the host network one that publishes a container
     * port on another port. Clashes that were there before the change do not block it.
     */
    static void refuseNewClashes(Map<String, ApplicationSettings> applications, java.util.function.Predicate<ApplicationSettings> hostBefore,
                                 java.util.function.Predicate<ApplicationSettings> hostAfter, String field) {
        var before = holders(applications, hostBefore);
        for (var app : applications.entrySet()) {
            if (!hostAfter.test(app.getValue()) || hostBefore.test(app.getValue())) continue;
            for (var port : app.getValue().ports()) {
                if (port.hostPort() != null && port.hostPort() != port.containerPort()) {
                    throw new ConflictException(field, "the application '" + app.getKey() + "' publishes container port " + port.containerPort()
                            + " on port " + port.hostPort() + ", which the host network cannot do: change its ports or give it its own networkMode first");
                }
            }
        }
        for (var port : holders(applications, hostAfter).entrySet()) {
            var names = port.getValue();
            if (names.size() > 1 && !before.getOrDefault(port.getKey(), java.util.Set.of()).containsAll(names)) {
                throw new ConflictException(field, "the applications " + String.join(" and ", names.stream().map(n -> "'" + n + "'").toList())
                        + " would both hold port " + port.getKey() + " of the server: change their ports or give one its own networkMode first");
            }
        }
    }

    /** Each port of the server held, with the names of the applications holding it. */
    private static Map<Integer, java.util.Set<String>> holders(Map<String, ApplicationSettings> applications,
                                                              java.util.function.Predicate<ApplicationSettings> onHostNetwork) {
        var holders = new java.util.TreeMap<Integer, java.util.Set<String>>();
        applications.forEach((name, settings) -> stored(settings, onHostNetwork.test(settings)).keySet()
                .forEach(port -> holders.computeIfAbsent(port, p -> new java.util.TreeSet<>()).add(name)));
        return holders;
    }
}
