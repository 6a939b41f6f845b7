package dev.berth.secrets;

import java.util.List;
import java.util.Locale;

/**
 * Refuses configured secrets that are placeholders or too regular to be random, at start-up, with a message
 * naming the setting (never its value). Random values pass with a wide margin: 32 random bytes hold about 30
 * distinct values, and 64 random hex characters all 16 hex digits.
 */
public final class SecretStrength {
    private static final List<String> PLACEHOLDERS = List.of("change-me", "changeme", "change_me", "replace-me", "replaceme",
            "placeholder", "example", "your-secret", "xxxxxxxx", "todo");
    /** Distinct byte values a 32-byte key must hold. */
    static final int MIN_DISTINCT_KEY_BYTES = 12;
    /** Distinct characters a text secret must hold. */
    static final int MIN_DISTINCT_CHARACTERS = 12;

    private SecretStrength() {}

    /** @throws IllegalStateException when {@code value} of {@code setting} is a placeholder or low-entropy text */
    public static void requireStrongText(String setting, String value) {
        requireNoPlaceholder(setting, value);
        if (value.chars().distinct().count() < MIN_DISTINCT_CHARACTERS) {
            throw weak(setting, "it has fewer than " + MIN_DISTINCT_CHARACTERS + " distinct characters");
        }
    }

    /** @throws IllegalStateException when the decoded key is all one pattern (e.g. the all-zero example key) */
    public static void requireStrongKey(String setting, String encoded, byte[] key) {
        requireNoPlaceholder(setting, encoded);
        long distinct = 0;
        var seen = new boolean[256];
        for (byte b : key) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                distinct++;
            }
        }
        if (distinct < MIN_DISTINCT_KEY_BYTES) throw weak(setting, "it has fewer than " + MIN_DISTINCT_KEY_BYTES + " distinct byte values");
    }

    private static void requireNoPlaceholder(String setting, String value) {
        var lower = value.toLowerCase(Locale.ROOT);
        for (var placeholder : PLACEHOLDERS) {
            if (lower.contains(placeholder)) throw weak(setting, "it is a placeholder");
        }
    }

    private static IllegalStateException weak(String setting, String why) {
        return new IllegalStateException(setting + " is refused: " + why + ". Generate one with: openssl rand -hex 32");
    }
}
