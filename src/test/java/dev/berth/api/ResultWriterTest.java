package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-walked writer says exactly what the mapper says, for every kind of value a GraphQL answer holds. */
class ResultWriterTest {
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    private final ResultWriter writer = new ResultWriter(json);

    @Test
    void writesWhatTheMapperWrites() throws Exception {
        var data = new LinkedHashMap<String, Object>();
        data.put("id", "0199");
        data.put("nothing", null);
        data.put("text", "quote \" backslash \\ newline \n tab \t nul \u0000 emoji \uD83D\uDE80 é </script>");
        data.put("int", 42);
        data.put("long", 9_007_199_254_740_993L);
        data.put("double", 0.1);
        data.put("decimal", new BigDecimal("1.50"));
        data.put("yes", true);
        data.put("list", Arrays.asList(1, null, "two", List.of(), Map.of()));
        data.put("nested", Map.of("deeper", List.of(Map.of("k", false))));
        data.put("other", Instant.parse("2026-12-02T08:00:00.123Z")); // not a JSON type: the mapper decides
        var items = new ArrayList<Object>();
        for (int i = 0; i < 50; i++) items.add(Map.of("n", i));
        data.put("many", items);
        var answer = Map.of("data", data, "errors", List.of(Map.of("message", "m", "extensions", Map.of("code", "NOT_FOUND"))));

        // text as the mapper writes a String (graphql-ws frames), bytes as it writes UTF-8 (HTTP answers; Jackson's
        // UTF-8 generator escapes a surrogate pair as two \\u escapes, its String writer keeps it: both are the same JSON)
        assertThat(writer.text(answer)).isEqualTo(json.writeValueAsString(answer));
        assertThat(new String(writer.bytes(answer), StandardCharsets.UTF_8)).isEqualTo(new String(json.writeValueAsBytes(answer), StandardCharsets.UTF_8));
    }
}
