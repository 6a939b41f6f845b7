package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A JSON column is parsed when first asked for, once; a column that was not read says so instead of lying. */
class JsonColumnTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void parsesOnFirstUseAndKeepsTheValue() {
        var column = JsonColumn.<List<Integer>>of("[1, 2, 3]", json, json.getTypeFactory().constructCollectionType(List.class, Integer.class));
        var first = column.get();
        assertThat(first).containsExactly(1, 2, 3);
        assertThat(column.get()).isSameAs(first);
        assertThat(column).isEqualTo(JsonColumn.parsed(List.of(1, 2, 3)));
    }

    @Test
    void badJsonFailsWhenAskedFor() {
        var column = JsonColumn.<List<Integer>>of("[1,", json, json.getTypeFactory().constructCollectionType(List.class, Integer.class));
        assertThatThrownBy(column::get).isInstanceOf(java.io.UncheckedIOException.class);
    }

    @Test
    void anAbsentColumnNamesWhyOnUseAndStaysSafeToPrintAndCompare() {
        JsonColumn<String> absent = JsonColumn.absent("a deployment read in a list has no snapshot: load it by id");
        assertThatThrownBy(absent::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("load it by id");
        assertThat(absent.toString()).isEqualTo("(not read)");
        assertThat(absent).isEqualTo(JsonColumn.absent("other reason")).isNotEqualTo(JsonColumn.parsed("x"));
        assertThat(absent.hashCode()).isZero();
    }
}
