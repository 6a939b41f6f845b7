package dev.berth.application;

import dev.berth.errors.InvalidInputException;

/** A path inside a repository: relative, no '..', no leading '-', no backslashes or control characters. */
public record RelativePath(String value) {
    public static RelativePath parse(String field, Object text, String fallback) {
        if (text == null) return new RelativePath(fallback);
        if (!(text instanceof String s) || s.isEmpty()) throw new InvalidInputException(field, "must not be empty");
        if (s.length() > 1024) throw new InvalidInputException(field, "at most 1024 characters");
        if (s.startsWith("/") || s.startsWith("-")) throw new InvalidInputException(field, "must be relative and not start with '-'");
        if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) throw new InvalidInputException(field, "must not contain control characters or backslashes");
        for (var part : s.split("/")) {
            if (part.equals("..")) throw new InvalidInputException(field, "must not contain '..'");
        }
        return new RelativePath(s);
    }
}
