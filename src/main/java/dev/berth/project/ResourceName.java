package dev.berth.project;

import dev.berth.errors.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A name that later becomes part of container names and DNS labels: 1 to 63 lowercase letters, digits and
 * hyphens, starting and ending with a letter or digit.
 */
public record ResourceName(String value) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** @throws InvalidInputException naming {@code field} when {@code value} is not a valid name */
    public static ResourceName of(String field, Object value) {
        if (!(value instanceof String s) || s.isEmpty()) throw new InvalidInputException(field, "a name is required");
        if (s.length() > 63) throw new InvalidInputException(field, "at most 63 characters");
        if (!LABEL.matcher(s).matches()) {
            throw new InvalidInputException(field, "use lowercase letters, digits and hyphens, starting and ending with a letter or digit");
        }
        return new ResourceName(s);
    }
}
