package dev.berth.proxy;

import dev.berth.errors.InvalidInputException;
import java.net.IDN;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A host name a domain routes: internationalised names become their ASCII (punycode) form, then every label is a DNS
 * label ({@code [a-z0-9-]}, 1 to 63 characters, no hyphen at either end), the whole at most 253 characters with at
 * least two labels. Refused: a trailing dot, {@code localhost}, IP literals, wildcards, {@code xn--} labels that are
 * not the exact encoding of a name, and labels mixing scripts (a Cyrillic {@code а} among Latin letters: a homograph).
 * Only what passes reaches Caddy's configuration, and it goes there as a JSON string.
 */
public record HostName(String value) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Set<Character.UnicodeScript> NEUTRAL = EnumSet.of(Character.UnicodeScript.COMMON, Character.UnicodeScript.INHERITED);
    /** Scripts written together in one Japanese word: a label may mix these without being a homograph (not with Latin). */
    private static final Set<Character.UnicodeScript> JAPANESE = EnumSet.of(Character.UnicodeScript.HAN, Character.UnicodeScript.HIRAGANA,
            Character.UnicodeScript.KATAKANA);
    /**
     * Characters IDNA2003 (Java's {@link IDN}) maps to others where today's IDNA keeps them ({@code faß.de} would become
     * another's {@code fass.de}): refused rather than routed as a different name.
     */
    private static final String DEVIATIONS = "\u00df\u03c2\u200c\u200d";

    /** @throws InvalidInputException naming {@code field} when {@code raw} is not a host name Berth routes */
    public static HostName of(String field, Object raw) {
        if (!(raw instanceof String text) || text.isEmpty()) throw new InvalidInputException(field, "a host name is required");
        if (text.length() > 253 * 4) throw new InvalidInputException(field, "at most 253 characters");
        if (text.endsWith(".")) throw new InvalidInputException(field, "without a trailing dot");
        if (text.contains("*")) throw new InvalidInputException(field, "wildcard host names are not routed; add each host");
        if (text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f || "/:@[]{}\"'\\%?#,;<>`|^".indexOf(c) >= 0)) {
            throw new InvalidInputException(field, "a host name only, without a scheme, port, path, spaces or punctuation");
        }
        if (text.chars().anyMatch(c -> DEVIATIONS.indexOf(c) >= 0)) {
            throw new InvalidInputException(field, "ß, final sigma and zero-width joiners are written differently by different IDNA versions: use the punycode form");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(text, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "not a valid (internationalised) host name");
        }
        if (ascii.length() > 253) throw new InvalidInputException(field, "at most 253 characters in its ASCII form");
        var labels = ascii.split("\\.", -1);
        if (labels.length < 2) throw new InvalidInputException(field, "a fully qualified name (at least two labels, like app.example.com)");
        for (var label : labels) {
            if (label.length() > 63) throw new InvalidInputException(field, "each label at most 63 characters");
            if (!LABEL.matcher(label).matches()) {
                throw new InvalidInputException(field, "each label of letters, digits and hyphens, not starting or ending with a hyphen");
            }
            if (label.startsWith("xn--")) punycode(field, label);
            else if (label.length() > 3 && label.charAt(2) == '-' && label.charAt(3) == '-') {
                throw new InvalidInputException(field, "labels with '--' in the third and fourth place are reserved");
            }
        }
        var top = labels[labels.length - 1];
        if (top.matches("[0-9]+|0x[0-9a-f]*")) throw new InvalidInputException(field, "an IP address is not a host name");
        if (top.equals("localhost")) throw new InvalidInputException(field, "localhost is not routed");
        return new HostName(ascii);
    }

    /** An {@code xn--} label must decode, encode back to itself, and not mix scripts. */
    private static void punycode(String field, String label) {
        String unicode;
        try {
            unicode = IDN.toUnicode(label, IDN.USE_STD3_ASCII_RULES);
            if (unicode.equals(label) || !IDN.toASCII(unicode, IDN.USE_STD3_ASCII_RULES).equalsIgnoreCase(label)) {
                throw new IllegalArgumentException("not a round trip");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "an xn-- label that is not a valid internationalised name");
        }
        var scripts = EnumSet.noneOf(Character.UnicodeScript.class);
        unicode.codePoints().forEach(c -> {
            var script = Character.UnicodeScript.of(c);
            if (!NEUTRAL.contains(script)) scripts.add(script);
        });
        if (scripts.size() > 1 && !JAPANESE.containsAll(scripts)) {
            throw new InvalidInputException(field, "a label mixing scripts (" + scripts + ") is refused: it can imitate another name");
        }
    }

    /** {@code www.} and this name, the host a www redirect answers for. */
    public HostName www() {
        return new HostName("www." + value);
    }

    /** As {@link #www()}, refused (naming {@code field}) when it is longer than a host name may be. */
    public HostName www(String field) {
        if (value.length() + 4 > 253) throw new InvalidInputException(field, "www." + "<host> would be longer than 253 characters");
        return www();
    }

    @Override
    public String toString() {
        return value;
    }
}
