package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.errors.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host names and path prefixes: what is routed, in which form, and what never reaches Caddy. */
class HostNameTest {
    @Test
    void namesAreStoredInTheirLowercaseAsciiForm() {
        assertThat(HostName.of("f", "App.Example.COM").value()).isEqualTo("app.example.com");
        assertThat(HostName.of("f", "bücher.test").value()).isEqualTo("xn--bcher-kva.test");
        assertThat(HostName.of("f", "xn--bcher-kva.test").value()).isEqualTo("xn--bcher-kva.test");
        assertThat(HostName.of("f", "例え.テスト").value()).startsWith("xn--");
        assertThat(HostName.of("f", "a-b.c-d.example").value()).isEqualTo("a-b.c-d.example");
        assertThat(HostName.of("f", "a".repeat(63) + ".test").value()).hasSize(68);
        assertThat(HostName.of("f", "app.test").www().value()).isEqualTo("www.app.test");
        var longest = HostName.of("f", ("a".repeat(61) + ".").repeat(4) + "test"); // 252 characters
        assertThatThrownBy(() -> longest.www("input.redirectWww")).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("input.redirectWww"));
    }

    @Test
    void everyHostileOrUnroutableNameIsRefusedNamingItsField() {
        var refused = List.of("evil.com\n}", "a.test:443/x", "*.other.team", "*", "xn--zz.test", "xn--.test", "xn--pple-43d.com",
                "\u0430pple.com", "a".repeat(64) + ".test", "x.".repeat(127) + "test", "localhost", "app.localhost", "127.0.0.1",
                "10.0.0.1", "[::1]", "::1", "app.test.", "bad host.test", "quote\".test", "{brace}.test", "back\\slash.test",
                "-lead.test", "trail-.test", "tab\t.test", "", "single", "http://app.test", "user@app.test", "app.test?x", "app.test#x",
                "app..test", ".app.test", "ab--cd.test", "app.test%0a", "app_under.test", "nul\0.test", "app.test;rm", "fa\u00df.de",
                "g\u3007\u3007gle.test", "app.0x7f", "app.123", "a\u200db.test", "{http.request.host}.test");
        for (var name : refused) {
            assertThatThrownBy(() -> HostName.of("input.host", name)).as(name.replace("\n", "\\n"))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("input.host"));
        }
        assertThatThrownBy(() -> HostName.of("input.host", 42)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> HostName.of("input.host", null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void pathPrefixesAreSegmentsWithoutDotSegmentsOrEncodings() {
        assertThat(PathPrefix.of("p", null)).isNull();
        assertThat(PathPrefix.of("p", "/")).isNull();
        assertThat(PathPrefix.of("p", "")).isNull();
        assertThat(PathPrefix.of("p", "/api")).isEqualTo("/api");
        assertThat(PathPrefix.of("p", "/app/v2.1_x~y-z")).isEqualTo("/app/v2.1_x~y-z");
        for (var prefix : List.of("/../x", "/a/..", "/./a", "/%2e%2e/x", "/a b", "/a\"b", "/{x}", "/a/", "api", "/a\n}", "/" + "a".repeat(300),
                "/a//b", "//a", "/a?b", "/a#b", "/a*", "/a\\b")) {
            assertThatThrownBy(() -> PathPrefix.of("input.pathPrefix", prefix)).as(prefix)
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("input.pathPrefix"));
        }
    }
}
