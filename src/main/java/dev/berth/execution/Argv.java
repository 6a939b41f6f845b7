package dev.berth.execution;

import java.util.List;

/** One process invocation, as a list of arguments. Never a shell string; rendered only by {@link ShellLine}. */
public record Argv(List<String> args) {
    public Argv {
        args = List.copyOf(args);
        if (args.isEmpty()) throw new IllegalArgumentException("empty argv");
        for (var arg : args) {
            if (arg.indexOf('\0') >= 0) throw new IllegalArgumentException("an argument contains a NUL byte");
        }
    }

    public static Argv of(String... args) {
        return new Argv(List.of(args));
    }

    @Override
    public String toString() {
        return "Argv" + args;
    }
}
