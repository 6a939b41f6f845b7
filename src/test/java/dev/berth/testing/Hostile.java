package dev.berth.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** Arguments a shell would execute if they were ever spliced into a command line; each would create {@link #CANARY}. */
public final class Hostile {
    public static final Path CANARY = Path.of(System.getProperty("java.io.tmpdir"), "berth-canary-" + UUID.randomUUID());

    private Hostile() {}

    public static List<String> arguments() {
        var c = CANARY.toString();
        return List.of("$(touch " + c + ")", "`touch " + c + "`", "a; touch " + c, "a | touch " + c, "a & touch " + c,
                "a && touch " + c, "x\ntouch " + c, "it's", "'; touch " + c + "; '", "\"$(touch " + c + ")\"",
                "-rf", "--help", "", " ", "*", "~", "$HOME", "${IFS}", "a\\b", "é ü 中文", "\t", "> " + c, "< /etc/passwd");
    }
}
