package dev.berth.application;

import dev.berth.errors.InvalidInputException;

/** A branch, tag or commit, following {@code git check-ref-format} (and never starting with '-'). */
public record GitRef(String value) {
    public static GitRef parse(String field, Object text) {
        if (text == null) return new GitRef("main");
        if (!(text instanceof String s) || s.isEmpty()) throw new InvalidInputException(field, "must not be empty");
        if (s.length() > 255) throw new InvalidInputException(field, "at most 255 characters");
        if (s.startsWith("-") || s.startsWith("/") || s.endsWith("/") || s.endsWith(".") || s.endsWith(".lock")
                || s.contains("..") || s.contains("//") || s.contains("@{") || s.equals("@")) {
            throw new InvalidInputException(field, "not a valid git ref (see git check-ref-format)");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c == 0x7f || "~^:?*[\\".indexOf(c) >= 0) throw new InvalidInputException(field, "not a valid git ref (see git check-ref-format)");
        }
        for (var component : s.split("/")) {
            if (component.startsWith(".")) throw new InvalidInputException(field, "no part of a ref may start with '.'");
        }
        return new GitRef(s);
    }
}
