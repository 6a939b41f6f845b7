package dev.berth.execution;

import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The only code that turns an {@link Argv} into a shell command line (sshj's exec takes one string). Every
 * argument that is not plainly safe is single-quoted, with embedded single quotes closed, escaped and
 * reopened, so a POSIX shell passes each argument through unchanged and runs nothing of it.
 */
public final class ShellLine {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellLine() {}

    public static String render(Argv argv) {
        return argv.args().stream().map(ShellLine::quote).collect(Collectors.joining(" "));
    }

    static String quote(String arg) {
        if (SAFE.matcher(arg).matches()) return arg;
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
