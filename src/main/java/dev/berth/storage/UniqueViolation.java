package dev.berth.storage;

import java.sql.SQLException;

/** Recognises PostgreSQL's unique_violation (SQLSTATE 23505) anywhere in a cause chain. */
public final class UniqueViolation {
    private UniqueViolation() {}

    /** Runs a write; a unique violation becomes a CONFLICT with {@code message}, anything else propagates. */
    public static <T> T orConflict(java.util.function.Supplier<T> write, String message) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (in(e)) throw new dev.berth.errors.ConflictException(message);
            throw e;
        }
    }

    /** True when a foreign key still points at the row being deleted (SQLSTATE 23503). */
    public static boolean stillReferenced(Throwable thrown) {
        for (var t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23503".equals(sql.getSQLState())) return true;
        }
        return false;
    }

    public static boolean in(Throwable thrown) {
        for (var t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
        }
        return false;
    }
}
