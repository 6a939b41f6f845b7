package dev.berth.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.errors.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "shop", "web-2", "0day", "a-b-c"})
    void dnsLabelsAreNames(String name) {
        assertThat(ResourceName.of("name", name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Shop", "a_b", "-a", "a-", "a.b", "a b", "$(id)", "`id`", "a;b", "é"})
    void anythingElseIsBadInputNamingTheField(String name) {
        assertThatThrownBy(() -> ResourceName.of("input.name", name))
                .isInstanceOf(InvalidInputException.class)
                .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("input.name");
    }

    @org.junit.jupiter.api.Test
    void sixtyThreeCharactersAtMost() {
        assertThat(ResourceName.of("n", "a".repeat(63)).value()).hasSize(63);
        assertThatThrownBy(() -> ResourceName.of("n", "a".repeat(64))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ResourceName.of("n", 42)).isInstanceOf(InvalidInputException.class);
    }
}
