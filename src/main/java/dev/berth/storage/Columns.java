package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Column readers for the reads written by hand: PostgreSQL's {@code uuid} and {@code timestamptz} without detours. */
public final class Columns {
    private Columns() {}

    public static @Nullable UUID uuid(ResultSet rows, int column) throws SQLException {
        return rows.getObject(column, UUID.class);
    }

    /** A {@code timestamptz} as an instant, parsed directly (not through a {@code Timestamp} and a calendar). */
    public static @Nullable Instant instant(ResultSet rows, int column) throws SQLException {
        var value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
