package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secret values vanish from log lines in every form a build or a program tends to print them. */
class LogMaskTest {
    private static final String SECRET = "p@ss w0rd/+\"\\é";

    @Test
    void everyEncodingOfASecretIsMasked() {
        var mask = new LogMask(List.of(SECRET));
        var bytes = SECRET.getBytes(StandardCharsets.UTF_8);
        for (var form : List.of(SECRET, Base64.getEncoder().encodeToString(bytes), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                URLEncoder.encode(SECRET, StandardCharsets.UTF_8), LogMask.jsonEscaped(SECRET))) {
            var line = "before " + form + " after";
            assertThat(mask.apply(line)).as(form).isEqualTo("before *** after");
        }
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
}
