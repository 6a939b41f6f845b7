package dev.berth.identity;

import dev.berth.errors.InvalidInputException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validation of what people type at sign-up and sign-in. Never echoes a password. */
final class Credentials {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 256;

    private Credentials() {}

    static String email(String field, Object value) {
        if (!(value instanceof String s) || s.length() > 254 || !EMAIL.matcher(s).matches()) {
            throw new InvalidInputException(field, "not an email address");
        }
        return s;
    }

    static String normalize(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    static String newPassword(String field, Object value) {
        if (!(value instanceof String s) || s.length() < MIN_PASSWORD || s.length() > MAX_PASSWORD) {
            throw new InvalidInputException(field, "use " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        return s;
    }

    static String displayName(String field, Object value) {
        if (!(value instanceof String s) || s.isBlank() || s.length() > 100) {
            throw new InvalidInputException(field, "1 to 100 characters");
        }
        return s.strip();
    }
}
