package dev.berth.application;

import dev.berth.errors.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A git host's SSH public key as OpenSSH prints it ({@code ssh-ed25519 AAAA...}, no host name, no comment), pinned on
 * an application: learned at its first clone over SSH, or given. Only the key type and its base64 are kept.
 */
public record GitHostKey(String value) {
    private static final Pattern KEY = Pattern.compile(
            "(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa|sk-ssh-ed25519@openssh\\.com) [A-Za-z0-9+/]{16,8192}={0,2}");

    /** {@code text} as given ({@code type base64}, an optional comment dropped); null stays null. */
    public static GitHostKey parse(String field, Object text) {
        if (text == null) return null;
        if (!(text instanceof String s)) throw new InvalidInputException(field, "an OpenSSH public key: 'ssh-ed25519 AAAA...'");
        var parts = s.strip().split(" +");
        var key = parts.length >= 2 ? parts[0] + " " + parts[1] : s;
        if (!KEY.matcher(key).matches()) throw new InvalidInputException(field, "an OpenSSH public key: 'ssh-ed25519 AAAA...' (as ssh-keyscan prints it, without the host)");
        return new GitHostKey(key);
    }

    /** The key out of a known_hosts line ({@code host type base64}), or null when the line holds none. */
    public static GitHostKey fromKnownHosts(String line) {
        var parts = line.strip().split(" +");
        if (parts.length < 3) return null;
        var key = parts[1] + " " + parts[2];
        return KEY.matcher(key).matches() ? new GitHostKey(key) : null;
    }
}
