package dev.berth.registry;

import dev.berth.errors.InvalidInputException;
import dev.berth.execution.HostPolicy;
import java.util.regex.Pattern;

/** A registry address as the daemon takes it: {@code host[:port]}; an {@code https://} prefix is dropped. */
public record RegistryHost(String value) {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?");

    public static RegistryHost parse(String field, Object text) {
        if (!(text instanceof String s) || s.isEmpty()) throw new InvalidInputException(field, "a registry address is required");
        var bare = s.startsWith("https://") ? s.substring("https://".length()) : s;
        if (bare.endsWith("/")) bare = bare.substring(0, bare.length() - 1);
        if (!HOST.matcher(bare).matches()) throw new InvalidInputException(field, "use host[:port], e.g. registry.example.com or ghcr.io");
        var host = bare.contains(":") ? bare.substring(0, bare.indexOf(':')) : bare;
        var refused = HostPolicy.refusedAtInput(host);
        if (refused != null) throw new InvalidInputException(field, refused);
        return new RegistryHost(bare.toLowerCase());
    }
}
