package dev.berth.proxy;

import dev.berth.errors.InvalidInputException;
import io.micronaut.core.annotation.Nullable;
import java.util.regex.Pattern;

/**
 * The start of the paths a domain routes ({@code /api}): segments of unreserved URL characters, none of them
 * {@code .} or {@code ..}, nothing percent-encoded, no trailing slash, at most 256 characters. Null or {@code /}: every path.
 */
public final class PathPrefix {
    private static final Pattern SEGMENTS = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

    private PathPrefix() {}

    /** The prefix, or null for every path. @throws InvalidInputException naming {@code field} */
    public static @Nullable String of(String field, @Nullable Object raw) {
        if (raw == null) return null;
        if (!(raw instanceof String text)) throw new InvalidInputException(field, "a path like /api");
        if (text.isEmpty() || text.equals("/")) return null;
        if (text.length() > 256) throw new InvalidInputException(field, "at most 256 characters");
        if (!SEGMENTS.matcher(text).matches()) {
            throw new InvalidInputException(field, "a path like /api or /app/v2: segments of letters, digits, '.', '_', '~' and '-', without a trailing slash");
        }
        for (var segment : text.substring(1).split("/")) {
            if (segment.equals(".") || segment.equals("..")) throw new InvalidInputException(field, "'.' and '..' segments are refused");
        }
        return text;
    }
}
