package dev.berth.server;

import dev.berth.errors.InvalidInputException;
import dev.berth.execution.HostPolicy;
import java.util.regex.Pattern;

/**
 * Where a server is: a host name or IP literal, a port, and a POSIX user name. Validated here, at the edge,
 * so that each reaches SSH as a single plain value; hosts that can never be a server ({@link HostPolicy}) are refused.
 */
public record ServerAddress(String host, int port, String user) {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern POSIX_USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

    public static ServerAddress of(Object host, Object port, Object user) {
        return new ServerAddress(host("input.host", host), port("input.port", port), user("input.user", user));
    }

    static String host(String field, Object value) {
        var host = syntax(field, value);
        var refused = HostPolicy.refusedAtInput(host);
        if (refused != null) throw new InvalidInputException(field, refused);
        return host;
    }

    private static String syntax(String field, Object value) {
        if (!(value instanceof String s) || s.isEmpty() || s.length() > 253) throw new InvalidInputException(field, "a host name or IP address");
        if (IPV4.matcher(s).matches()) return s;
        if (s.contains(":")) {
            if (IPV6.matcher(s).matches() && s.chars().filter(c -> c == ':').count() >= 2) return s;
            throw new InvalidInputException(field, "not a valid IPv6 address");
        }
        var name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        for (var label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) throw new InvalidInputException(field, "a host name or IP address");
        }
        if (name.matches("[0-9.]+")) throw new InvalidInputException(field, "not a valid IPv4 address");
        return s;
    }

    private static final Pattern SOCKET = Pattern.compile("/[A-Za-z0-9._/-]{1,200}");

    /** An absolute path to a Unix socket on the server; /var/run/docker.sock by default. */
    static String dockerSocket(String field, Object value) {
        if (value == null) return "/var/run/docker.sock";
        if (!(value instanceof String s) || !SOCKET.matcher(s).matches() || s.contains("..")) {
            throw new InvalidInputException(field, "an absolute path to a Unix socket");
        }
        return s;
    }

    static int port(String field, Object value) {
        if (value == null) return 22;
        if (!(value instanceof Integer p) || p < 1 || p > 65535) throw new InvalidInputException(field, "a port from 1 to 65535");
        return p;
    }

    static String user(String field, Object value) {
        if (value == null) return "root";
        if (!(value instanceof String s) || !POSIX_USER.matcher(s).matches()) throw new InvalidInputException(field, "a POSIX user name");
        return s;
    }
}
