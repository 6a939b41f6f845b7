package dev.berth.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * A JSON column read as text and parsed on first use. Lists and pages of rows rarely look at their JSON columns
 * (a page of 3,000 deployments asked for id, status and time parsed 3,000 snapshots before it existed); the row
 * that is used parses it once. Immutable from the outside: the value is a pure function of the text.
 */
public final class JsonColumn<T> implements Supplier<T> {
    private final String text;
    private final ObjectMapper json;
    private final JavaType type;
    private volatile T value;

    private JsonColumn(String text, ObjectMapper json, JavaType type, T value) {
        this.text = text;
        this.json = json;
        this.type = type;
        this.value = value;
    }

    /** A column's text, parsed as {@code type} when first asked for. */
    public static <T> JsonColumn<T> of(String text, ObjectMapper json, JavaType type) {
        return new JsonColumn<>(text, json, type, null);
    }

    /** A value that is already there (a row being written). */
    public static <T> JsonColumn<T> parsed(T value) {
        return new JsonColumn<>(null, null, null, value);
    }

    /** A column that was not read: asking for it is a programming error, named by {@code why}. */
    public static <T> JsonColumn<T> absent(String why) {
        return new JsonColumn<>(why, null, null, null);
    }

    @Override
    public T get() {
        var v = value;
        if (v == null) {
            if (json == null) throw new IllegalStateException(text);
            try {
                v = json.readValue(text, type);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            value = v;
        }
        return v;
    }

    private boolean absent() {
        return json == null && value == null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof JsonColumn<?> other)) return false;
        if (absent() || other.absent()) return absent() && other.absent();
        return get().equals(other.get());
    }

    @Override
    public int hashCode() {
        return absent() ? 0 : get().hashCode();
    }

    @Override
    public String toString() {
        return absent() ? "(not read)" : String.valueOf(get());
    }
}
