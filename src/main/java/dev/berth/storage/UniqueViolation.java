package dev.berth.storage;

import dev.berth.errors.ConflictException;
import io.micronaut.core.annotation.Nullable;
import java.sql.SQLException;
import java.util.function.Function;
import org.postgresql.util.PSQLException;

/** Recognises PostgreSQL's unique_violation (SQLSTATE 23505) anywhere in a cause chain. */
public final class UniqueViolation {
    private UniqueViolation() {}

    /** Runs a write; a unique violation becomes a CONFLICT with {@code message}, anything else propagates. */
    public static <T> T orConflict(java.util.function.Supplier<T> write, String message) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            var meaning = CommitTail.meaningOf(e); // an earlier write kept for the commit failed here: its meaning, not this one's
            if (meaning != null) throw meaning;
            if (in(e)) throw new ConflictException(message);
            throw e;
        }
    }

    /**
     * What the failure of a write kept for the commit ({@link Statements#kept}) means: a unique violation of
     * {@code constraint} is a CONFLICT with {@code message}; anything else is not its to explain (null). Kept writes
     * go together and PostgreSQL does not say which of them failed: the constraint does (one kept write per transaction
     * may claim each).
     */
    public static Function<SQLException, @Nullable RuntimeException> conflictOn(String constraint, String message) {
        return failure -> in(failure) && constraint.equals(constraintOf(failure)) ? new ConflictException(message) : null;
    }

    private static @Nullable String constraintOf(Throwable thrown) {
        for (var t = thrown; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) return p.getServerErrorMessage().getConstraint();
        }
        return null;
    }

    /** True when a foreign key still points at the row being deleted (SQLSTATE 23503). */
    public static boolean stillReferenced(Throwable thrown) {
        return inChain(thrown, "23503");
    }

    public static boolean in(Throwable thrown) {
        return inChain(thrown, "23505");
    }

    /** Whether an SQLException with {@code sqlState} stands anywhere in {@code thrown}'s cause chain. */
    static boolean inChain(Throwable thrown, String sqlState) {
        for (var t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sqlState.equals(sql.getSQLState())) return true;
        }
        return false;
    }
}
