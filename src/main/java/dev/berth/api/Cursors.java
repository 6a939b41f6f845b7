package dev.berth.api;

import dev.berth.errors.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** Opaque cursors: a versioned, base64url-encoded id. Clients must not build them. */
final class Cursors {
    private static final String PREFIX = "v1:";

    private Cursors() {}

    static String encode(UUID id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + id).getBytes(StandardCharsets.UTF_8));
    }

    static UUID decode(String field, String cursor) {
        try {
            var text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(PREFIX)) throw new IllegalArgumentException("unknown cursor version");
            return UUID.fromString(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "not a cursor returned by this API");
        }
    }
}
