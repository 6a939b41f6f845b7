package dev.berth.application;

import dev.berth.errors.InvalidInputException;
import io.micronaut.core.annotation.Nullable;
import java.util.regex.Pattern;

/**
 * A Docker image reference, validated by the distribution grammar where it is created:
 * {@code [registry[:port]/]path[:tag][@sha256:hex]}, at most 255 characters for the name.
 */
public record ImageRef(@Nullable String registry, String path, @Nullable String tag, @Nullable String digest) {
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");

    /** @throws InvalidInputException naming {@code field} when {@code text} is not an image reference */
    public static ImageRef parse(String field, Object text) {
        if (!(text instanceof String s) || s.isEmpty()) throw new InvalidInputException(field, "an image reference is required");
        if (s.length() > 512) throw new InvalidInputException(field, "at most 512 characters");
        String digest = null;
        var rest = s;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) throw new InvalidInputException(field, "the digest must be sha256:<64 hex> or sha512:<128 hex>");
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) throw new InvalidInputException(field, "the tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
        }
        if (rest.length() > 255) throw new InvalidInputException(field, "the name is longer than 255 characters");
        String registry = null;
        int first = rest.indexOf('/');
        if (first > 0) {
            var head = rest.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost") || !head.equals(head.toLowerCase())) {
                if (!DOMAIN.matcher(head).matches()) throw new InvalidInputException(field, "the registry is not a host name with an optional port");
                registry = head;
                rest = rest.substring(first + 1);
            }
        }
        if (rest.isEmpty()) throw new InvalidInputException(field, "the repository path is missing");
        for (var component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new InvalidInputException(field, "path components are lowercase letters and digits, separated by '.', '_', '__' or '-'");
            }
        }
        return new ImageRef(registry, rest, tag, digest);
    }

    /** The reference as Docker takes it; {@code :latest} when neither tag nor digest was given. */
    public String reference() {
        var name = registry == null ? path : registry + "/" + path;
        if (digest != null) return tag == null ? name + "@" + digest : name + ":" + tag + "@" + digest;
        return name + ":" + (tag == null ? "latest" : tag);
    }

    /** Docker Hub's names for itself: an image that names no registry comes from it. */
    private static final java.util.Set<String> DOCKER_HUB = java.util.Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

    /** The registry this image is pulled from, normalised: lower case, Docker Hub's aliases as {@code docker.io}. */
    public String registryHost() {
        return normalisedHost(registry == null ? "docker.io" : registry);
    }

    /**
     * Whether credentials stored for {@code registryHost} may go with this image's pull: only when the image is pulled
     * from that very registry (same host and port, normalised). Anything else would send the password to whatever host
     * the image names.
     */
    public boolean pulledFrom(String registryHost) {
        return registryHost().equals(normalisedHost(registryHost));
    }

    private static String normalisedHost(String host) {
        var lower = host.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("https://")) lower = lower.substring("https://".length());
        if (lower.endsWith("/")) lower = lower.substring(0, lower.length() - 1);
        if (lower.endsWith(":443") && !lower.startsWith("[")) lower = lower.substring(0, lower.length() - 4);
        return DOCKER_HUB.contains(lower) ? "docker.io" : lower;
    }

    /** The reference as the user wrote it. */
    public String text() {
        var name = registry == null ? path : registry + "/" + path;
        return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
