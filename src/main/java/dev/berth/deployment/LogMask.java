package dev.berth.deployment;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Pure: hides secret values in a log line before it is stored or published: the value itself and its base64
 * (standard and URL-safe, padded or not), URL-encoded and JSON-escaped forms, each replaced by {@code ***}.
 * Values shorter than {@link #MIN_LENGTH} characters are not masked (they would blank out ordinary text).
 */
public final class LogMask {
    public static final int MIN_LENGTH = 4;
    public static final String MASK = "***";
    /** The shortest last line of a wrapped base64 encoding that is masked on its own. */
    static final int MIN_CHUNK = 16;
    private final List<String> forms;

    public LogMask(List<String> secrets) {
        var all = new LinkedHashSet<String>();
        for (var secret : secrets) {
            if (secret == null || secret.length() < MIN_LENGTH) continue;
            all.add(secret);
            // base64 of the value, and of the value with the newline `echo "$SECRET" | base64` adds (its last
            // characters differ: the value's own form alone would leave them, e.g. "***K")
            for (var encoded : List.of(secret, secret + "\n", secret + "\r\n")) {
                var bytes = encoded.getBytes(StandardCharsets.UTF_8);
                // base64 tools wrap their output (GNU base64 at 76 characters, openssl at 64): each line of a long
                // secret's encoding is a form of its own (the last, shorter one only if long enough to be no ordinary text)
                for (int width : new int[] {76, 64}) {
                    var whole = Base64.getEncoder().encodeToString(bytes);
                    if (whole.length() <= width) continue;
                    for (int at = 0; at < whole.length(); at += width) {
                        var chunk = whole.substring(at, Math.min(whole.length(), at + width));
                        if (chunk.length() >= MIN_CHUNK) all.add(chunk);
                    }
                }
                all.add(Base64.getEncoder().encodeToString(bytes));
                all.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
                all.add(Base64.getUrlEncoder().encodeToString(bytes));
                all.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            }
            all.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            all.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
            all.add(jsonEscaped(secret));
            // a multi-line secret printed line by line, whatever its line endings (LF, CRLF or CR)
            for (var line : secret.split("\r\n|\n|\r")) if (line.length() >= MIN_LENGTH) all.add(line);
        }
        var sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first: no partial leftovers
        this.forms = List.copyOf(sorted);
    }

    public String apply(String line) {
        var out = line;
        for (var form : forms) {
            if (out.contains(form)) out = out.replace(form, MASK);
        }
        return out;
    }

    /**
     * The line as it is shown: masked, then cut to {@link dev.berth.execution.LineSplitter#MAX_LINE} characters. A
     * line cut where a secret's form begins (the splitter keeps a bounded part of a long line, so a long enough form
     * may arrive only in part) ends with a prefix of that form: the prefix is masked too.
     */
    public String shown(String line) {
        var masked = apply(line);
        int max = dev.berth.execution.LineSplitter.MAX_LINE;
        if (masked.length() <= max) return masked;
        var cut = masked.substring(0, max);
        for (var form : forms) {
            // the longest prefix of the form that the cut line ends with: the leftmost start that matches to the end
            for (int at = Math.max(0, cut.length() - form.length() + 1); at <= cut.length() - MIN_LENGTH; at++) {
                if (cut.charAt(at) == form.charAt(0) && cut.regionMatches(at, form, 0, cut.length() - at)) {
                    cut = cut.substring(0, at) + MASK;
                    break;
                }
            }
        }
        return cut + dev.berth.execution.LineSplitter.CUT_NOTE;
    }

    static String jsonEscaped(String value) {
        var out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }
}
