package dev.berth.storage;

import java.sql.SQLException;

/** Recognises PostgreSQL's unique_violation (SQLSTATE 23505) anywhere in a cause chain. */
public final class UniqueViolation {
    private UniqueViolation() {}

    public static boolean in(Throwable thrown) {
        for (var t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
        }
        return false;
    }
}
