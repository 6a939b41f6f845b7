package dev.berth.api;

import dev.berth.errors.InvalidInputException;
import java.util.List;
import java.util.Map;

/**
 * The edge check every field's arguments pass before its fetcher runs (see {@link FieldGuard}), so a new field
 * cannot forget it: no string holds NUL or an unpaired UTF-16 surrogate (PostgreSQL and UTF-8 cannot store
 * them), no string is longer than {@link #MAX_STRING} characters, and no list has more than {@link #MAX_LIST}
 * items. JSON arguments are walked too, keys included. The error names the argument's path, never its value.
 */
final class InputGuard {
    /** Items in any list argument, at any depth. */
    static final int MAX_LIST = 100;
    /** Characters in any string argument (64 KiB of ASCII: room for a PEM key or an environment value). */
    static final int MAX_STRING = 65_536;

    private InputGuard() {}

    static void check(Map<String, Object> arguments) {
        arguments.forEach((name, value) -> check(name, value));
    }

    private static void check(String path, Object value) {
        switch (value) {
            case String s -> checkString(path, s);
            case Map<?, ?> map -> map.forEach((key, nested) -> {
                var name = String.valueOf(key);
                checkString(path, name);
                check(path + "." + name, nested);
            });
            case List<?> list -> {
                if (list.size() > MAX_LIST) throw new InvalidInputException(path, "at most " + MAX_LIST + " items");
                for (int i = 0; i < list.size(); i++) check(path + "[" + i + "]", list.get(i));
            }
            case null, default -> { }
        }
    }

    private static void checkString(String path, String s) {
        if (s.length() > MAX_STRING) throw new InvalidInputException(path, "at most " + MAX_STRING + " characters");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) throw new InvalidInputException(path, "must not contain NUL characters");
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidInputException(path, "must be valid Unicode (an unpaired surrogate was found)");
            }
        }
    }
}
