package dev.berth.execution;

import java.util.regex.Pattern;

/**
 * A failure's cause in plain words for a deployment's reason and log: the underlying message (a Docker daemon's
 * own, taken out of its JSON envelope), never a Java class name. The text is otherwise left whole, neither cut nor
 * re-spaced: the caller masks it like every log line (a secret echoed by a daemon must still match its mask) and
 * cuts it after masking.
 */
public final class Reasons {
    private static final Pattern STATUS = Pattern.compile("^Status \\d{3}: ");
    private static final Pattern JSON_MESSAGE = Pattern.compile("^\\{\\s*\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*}\\s*$", Pattern.DOTALL);

    private Reasons() {}

    /** The innermost useful message of {@code failure} and its causes. */
    public static String plain(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null && message == null; t = t.getCause()) {
            // a wrapper made with new X(cause) says "the.Cause: text": the cause itself says it without the class name
            boolean wrapper = t.getCause() != null && String.valueOf(t.getMessage()).equals(t.getCause().toString());
            if (!wrapper && t.getMessage() != null && !t.getMessage().isBlank()) message = t.getMessage();
        }
        if (message == null) return "no detail was given";
        var text = message.strip();
        for (var status = STATUS.matcher(text); status.lookingAt(); status = STATUS.matcher(text)) text = text.substring(status.end()).strip();
        var json = JSON_MESSAGE.matcher(text);
        if (json.matches()) text = unescape(json.group(1));
        text = text.strip();
        return text.isEmpty() ? "no detail was given" : text;
    }

    /** {@code ": <the last line of output>"}, cut to {@code max} characters; empty when there is no output. */
    public static String lastLine(String output, int max) {
        var lines = output.strip().lines().toList();
        if (lines.isEmpty()) return "";
        var line = lines.getLast();
        return ": " + (line.length() > max ? line.substring(0, max) : line);
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
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
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
