package dev.berth.api;

import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** A Relay connection page. Built from {@code first + 1} rows so {@code hasNextPage} costs no extra query. */
public record Connection<T>(List<Edge<T>> edges, PageInfo pageInfo) {

    public record Edge<T>(String cursor, T node) {}

    public record PageInfo(boolean hasNextPage, boolean hasPreviousPage, @Nullable String startCursor,
                           @Nullable String endCursor) {}

    public Connection {
        edges = List.copyOf(edges);
    }

    /** @param rows up to {@code first + 1} rows in cursor order */
    public static <T> Connection<T> of(List<T> rows, PageArgs page, Function<T, UUID> id) {
        var edges = rows.stream().limit(page.first()).map(row -> new Edge<>(Cursors.encode(id.apply(row)), row)).toList();
        return new Connection<>(edges, new PageInfo(rows.size() > page.first(), false,
                edges.isEmpty() ? null : edges.getFirst().cursor(),
                edges.isEmpty() ? null : edges.getLast().cursor()));
    }
}
