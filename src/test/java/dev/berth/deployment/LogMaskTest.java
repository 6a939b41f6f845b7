package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secret values vanish from log lines in every form a build or a program tends to print them. */
class LogMaskTest {
    /**
     * A secret whose every printed form differs from every other: standard base64 has '+', '/' and padding, so its
     * URL-safe and unpadded forms are other strings; it has a space ('+' or '%20' URL-encoded) and a quote (JSON).
     */
    private static final String SECRET = "p@ss w0rd\"x?A(~Qx";

    private static List<String> forms(String secret) {
        var bytes = secret.getBytes(StandardCharsets.UTF_8);
        return List.of(secret, Base64.getEncoder().encodeToString(bytes), Base64.getEncoder().withoutPadding().encodeToString(bytes),
                Base64.getUrlEncoder().encodeToString(bytes), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                URLEncoder.encode(secret, StandardCharsets.UTF_8), URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"),
                LogMask.jsonEscaped(secret));
    }

    @Test
    void everyEncodingOfASecretIsMasked() {
        var forms = forms(SECRET);
        assertThat(new java.util.HashSet<>(forms)).as("every form differs, so dropping any encoder fails this test").hasSize(forms.size());
        var mask = new LogMask(List.of(SECRET));
        for (var form : forms) {
            var line = "before " + form + " after";
            assertThat(mask.apply(line)).as(form).isEqualTo("before *** after");
        }
    }

    @Test
    void theBase64OfASecretWithTheNewlineEchoAddsIsMaskedWhole() {
        var mask = new LogMask(List.of(SECRET));
        for (var ending : List.of("\n", "\r\n")) {
            var bytes = (SECRET + ending).getBytes(StandardCharsets.UTF_8);
            for (var encoded : List.of(Base64.getEncoder().encodeToString(bytes), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))) {
                assertThat(mask.apply("echo | base64: " + encoded + " done")).as(encoded).isEqualTo("echo | base64: *** done");
            }
        }
    }

    @Test
    void aLongSecretsBase64WrappedAsBase64ToolsWrapItIsMaskedLineByLine() {
        var longSecret = "-----BEGIN KEY-----" + "k3y".repeat(40) + "-----END KEY-----";
        var mask = new LogMask(List.of(longSecret));
        var encoded = Base64.getEncoder().encodeToString((longSecret + "\n").getBytes(StandardCharsets.UTF_8));
        for (int width : new int[] {76, 64}) {
            for (int at = 0; at < encoded.length(); at += width) {
                var line = encoded.substring(at, Math.min(encoded.length(), at + width));
                var shown = mask.apply(line);
                if (line.length() >= LogMask.MIN_CHUNK) assertThat(shown).as(width + ": " + line).isEqualTo("***");
            }
        }
        assertThat(mask.apply("an ordinary line of build output")).isEqualTo("an ordinary line of build output");
    }

    @Test
    void aSecretWithCrlfLineEndingsIsMaskedLineByLine() {
        var mask = new LogMask(List.of("first-line-of-it\r\nsecond-line-of-it\rthird-line-of-it\r\n"));
        assertThat(mask.apply("first-line-of-it")).isEqualTo("***");
        assertThat(mask.apply("x first-line-of-it\r")).isEqualTo("x ***\r");
        assertThat(mask.apply("second-line-of-it")).isEqualTo("***");
        assertThat(mask.apply("third-line-of-it")).isEqualTo("***");
    }

    @Test
    void aMultiLineSecretIsMaskedLineByLineAndShortValuesAreLeftAlone() {
        var mask = new LogMask(List.of("-----BEGIN KEY-----\nAAAAbbbbCCCC\n-----END KEY-----", "abc"));
        assertThat(mask.apply("AAAAbbbbCCCC")).isEqualTo("***");
        assertThat(mask.apply("abc is not masked")).isEqualTo("abc is not masked");
    }

    @Test
    void theLongestFormWinsSoNothingOfItIsLeft() {
        var mask = new LogMask(List.of("secret", "secret-longer"));
        assertThat(mask.apply("x secret-longer y")).isEqualTo("x *** y");
    }

    /** A long line cut where a secret (or its encoding) begins shows none of it: the prefix before the cut is masked. */
    @Test
    void aSecretCutByTheLineLimitShowsNoneOfItsBeginning() {
        var secret = "S3CR3T-" + "abcdefghij".repeat(3000); // 30,007 characters: longer than a line ever holds
        var mask = new LogMask(List.of(secret));
        var kept = secret.substring(0, dev.berth.execution.LineSplitter.KEEP - 8000); // what the splitter keeps of it
        var shown = mask.shown("x".repeat(8000) + kept);
        assertThat(shown).doesNotContain("S3CR3T").doesNotContain("abcdefghij").endsWith("***" + dev.berth.execution.LineSplitter.CUT_NOTE);
        assertThat(mask.shown("short " + secret.substring(0, 20))).isEqualTo("short " + secret.substring(0, 20)); // not cut: left as printed
        assertThat(mask.shown("y".repeat(9000))).isEqualTo("y".repeat(8192) + dev.berth.execution.LineSplitter.CUT_NOTE);
    }
}
