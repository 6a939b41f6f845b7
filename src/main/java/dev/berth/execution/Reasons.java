package dev.berth.execution;

import java.util.regex.Pattern;

/**
 * A failure's cause in plain words for a deployment's reason and log: the underlying message (a Docker daemon's
 * own, taken out of its JSON envelope), never a Java class name. What may hold a secret is masked by the caller,
 * like every log line.
 */
public final class Reasons {
    /** The longest a reason gets; daemons can answer at length. */
    static final int MAX = 500;
    private static final Pattern STATUS = Pattern.compile("^Status \\d{3}: ");
    private static final Pattern JSON_MESSAGE = Pattern.compile("^\\{\\s*\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*}\\s*$", Pattern.DOTALL);

    private Reasons() {}

    /** The innermost useful message of {@code failure} and its causes. */
    public static String plain(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null && message == null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) message = t.getMessage();
        }
        if (message == null) return "no detail was given";
        var text = message.strip();
        for (var status = STATUS.matcher(text); status.lookingAt(); status = STATUS.matcher(text)) text = text.substring(status.end()).strip();
        var json = JSON_MESSAGE.matcher(text);
        if (json.matches()) text = unescape(json.group(1));
        text = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        if (text.isEmpty()) return "no detail was given";
        return text.length() > MAX ? text.substring(0, MAX) + "…" : text;
    }

    private static String unescape(String json) {
        var out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c != '\\' || i + 1 == json.length()) {
                out.append(c);
                continue;
            }
            char next = json.charAt(++i);
            switch (next) {
                case 'n', 'r', 't' -> out.append(' ');
                case 'u' -> {
                    if (i + 4 < json.length()) {
                        try {
                            out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                            i += 4;
                        } catch (NumberFormatException odd) {
                            out.append("\\u");
                        }
                    }
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
