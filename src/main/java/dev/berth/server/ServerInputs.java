package dev.berth.server;

import dev.berth.api.Arguments;
import dev.berth.errors.InvalidInputException;
import dev.berth.project.ResourceName;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The server mutations' inputs as records, parsed and validated in {@link ServerWiring}: services never see a
 * raw GraphQL map. Errors name the input field.
 */
final class ServerInputs {
    private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

    private ServerInputs() {}

    /** A new server: the Berth host ({@code local}, with only a name and a socket) or one reached over SSH. */
    record NewServer(ResourceName name, boolean local, @Nullable ServerAddress address, @Nullable UUID privateKeyId, String dockerSocket,
                     @Nullable NetworkMode networkMode) {
        static NewServer from(Map<String, Object> input) {
            var name = ResourceName.of("input.name", input.get("name"));
            var socket = ServerAddress.dockerSocket("input.dockerSocket", input.get("dockerSocket"));
            var mode = mode(input.get("networkMode"));
            if (Boolean.TRUE.equals(input.get("local"))) return new NewServer(name, true, null, null, socket, mode);
            if (input.get("host") == null) throw new InvalidInputException("input.host", "required unless the server is local");
            var address = ServerAddress.of(input.get("host"), input.get("port"), input.get("user"));
            if (input.get("privateKeyId") == null) throw new InvalidInputException("input.privateKeyId", "required unless the server is local");
            return new NewServer(name, false, address, Arguments.id("input.privateKeyId", input.get("privateKeyId")), socket, mode);
        }
    }

    /**
     * What an update changes; null fields stay as they are, except {@code networkMode}: given as null (networkModeGiven)
     * it goes back to the configured default.
     */
    record ServerChange(@Nullable ResourceName name, @Nullable String host, @Nullable Integer port, @Nullable String user,
                        @Nullable UUID privateKeyId, @Nullable String dockerSocket, boolean networkModeGiven, @Nullable NetworkMode networkMode) {
        static ServerChange from(Map<String, Object> input) {
            return new ServerChange(
                    input.get("name") == null ? null : ResourceName.of("input.name", input.get("name")),
                    input.get("host") == null ? null : ServerAddress.host("input.host", input.get("host")),
                    input.get("port") == null ? null : ServerAddress.port("input.port", input.get("port")),
                    input.get("user") == null ? null : ServerAddress.user("input.user", input.get("user")),
                    input.get("privateKeyId") == null ? null : Arguments.id("input.privateKeyId", input.get("privateKeyId")),
                    input.get("dockerSocket") == null ? null : ServerAddress.dockerSocket("input.dockerSocket", input.get("dockerSocket")),
                    input.containsKey("networkMode"), mode(input.get("networkMode")));
        }

        @Nullable NetworkMode networkModeOf(Server current) {
            return networkModeGiven ? networkMode : current.networkMode();
        }

        ServerAddress applyTo(Server current) {
            return new ServerAddress(host != null ? host : current.host(), port != null ? port : current.port(),
                    user != null ? user : current.user());
        }
    }

    /** The enum as graphql-java coerced it (its name), or null when not given. */
    static @Nullable NetworkMode mode(@Nullable Object value) {
        return value == null ? null : NetworkMode.valueOf(value.toString());
    }

    /** An OpenSSH {@code SHA256:} host key fingerprint an admin has checked. */
    static String fingerprint(Object value) {
        if (!(value instanceof String fp) || !FINGERPRINT.matcher(fp).matches()) {
            throw new InvalidInputException("input.fingerprint", "an OpenSSH SHA256: fingerprint");
        }
        return fp;
    }
}
