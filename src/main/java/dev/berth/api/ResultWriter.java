package dev.berth.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes a GraphQL answer (maps, lists, strings, numbers, booleans and nulls, as graphql-java builds it) straight to
 * a JSON generator. Jackson's data binding looked up a serializer for every value of every map: an eighth of a large
 * query's CPU. Anything else (a value a resolver returned as is) still goes through the mapper, so the output is
 * the mapper's own.
 */
final class ResultWriter {
    private final ObjectMapper json;

    ResultWriter(ObjectMapper json) {
        this.json = json;
    }

    byte[] bytes(Object value) {
        try (var out = new ByteArrayBuilder();
             var generator = json.createGenerator(out, JsonEncoding.UTF8)) {
            write(generator, value);
            generator.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String text(Object value) {
        var out = new StringWriter();
        try (var generator = json.createGenerator(out)) {
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** An instanceof chain, most frequent first: cheaper per value than a pattern switch's type test. */
    private void write(JsonGenerator out, Object value) throws IOException {
        if (value instanceof String s) {
            out.writeString(s);
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (var entry : map.entrySet()) {
                var key = entry.getKey();
                out.writeFieldName(key instanceof String name ? name : String.valueOf(key));
                write(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value == null) {
            out.writeNull();
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (var item : list) write(out, item);
            out.writeEndArray();
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof Integer i) {
            out.writeNumber(i);
        } else if (value instanceof Long l) {
            out.writeNumber(l);
        } else if (value instanceof Double d) {
            out.writeNumber(d);
        } else if (value instanceof BigDecimal d) {
            out.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            out.writeNumber(i);
        } else {
            json.writeValue(out, value);
        }
    }
}
