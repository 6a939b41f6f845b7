package dev.berth.application;

import dev.berth.errors.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A git repository address that git on a server can only take as a network URL: {@code https://host[:port]/path},
 * {@code ssh://[user@]host[:port]/path} or scp-like {@code user@host:path}. Everything else is refused at the edge:
 * {@code ext::} and other transports, {@code file://} and local paths, a leading {@code -} (an option to git),
 * whitespace and control characters, credentials in https URLs, a user part that starts with {@code -} or {@code .}.
 */
public record GitUrl(String value) {
    private static final String HOST = "[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?";
    private static final String PATH = "[A-Za-z0-9._~/%+-]{1,1024}";
    /** A user name: never option-shaped ({@code -oProxyCommand@host} would be an option to ssh). */
    private static final String USER = "[A-Za-z0-9_][A-Za-z0-9._-]{0,63}";
    private static final Pattern HTTPS = Pattern.compile("https://" + HOST + "(?::[0-9]{1,5})?/" + PATH);
    private static final Pattern SSH = Pattern.compile("ssh://(?:" + USER + "@)?" + HOST + "(?::[0-9]{1,5})?/" + PATH);
    private static final Pattern SCP = Pattern.compile(USER + "@" + HOST + ":" + "[A-Za-z0-9._~+/][A-Za-z0-9._~/%+-]{0,1023}");

    public static GitUrl parse(String field, Object text) {
        if (!(text instanceof String s) || s.isEmpty()) throw new InvalidInputException(field, "a repository URL is required");
        if (s.startsWith("-")) throw new InvalidInputException(field, "must not start with '-'");
        if (s.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) throw new InvalidInputException(field, "must not contain whitespace or control characters");
        if (s.contains("::")) throw new InvalidInputException(field, "transport helpers (ext::, fd::) are not allowed");
        if (s.contains("/../") || s.endsWith("/..")) throw new InvalidInputException(field, "must not contain '..' segments");
        if (HTTPS.matcher(s).matches() || SSH.matcher(s).matches() || SCP.matcher(s).matches()) return new GitUrl(s);
        throw new InvalidInputException(field, "use an https:// or ssh:// URL, or user@host:path");
    }
}
