package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * A transaction's last statement, kept by its connection ({@link TeamConnection}) to go with the {@code COMMIT}: pgjdbc
 * sends {@code <statement>; COMMIT} before one Sync, one round trip where two were; see {@link Statements#atCommit}.
 */
record CommitTail<T>(String sql, Statements.Binder binder, Statements.RowReader<T> reader, Consumer<@Nullable T> answer) {
    /**
     * Runs the statement on {@code connection}, followed by the transaction's {@code COMMIT} in the same round trip when
     * {@code commit}; hands its first row, read (null when none), to {@link #answer} once it ran. A statement that fails
     * leaves the {@code COMMIT} unrun (PostgreSQL skips the rest until the Sync): the transaction is aborted, as it would
     * be had the statement run alone.
     */
    void run(Connection connection, boolean commit) throws SQLException {
        T first = null;
        try (var statement = connection.prepareStatement(commit ? sql + ";\nCOMMIT" : sql)) {
            binder.bind(statement);
            if (statement.execute()) {
                try (var rows = statement.getResultSet()) {
                    if (rows.next()) first = reader.read(rows);
                }
            }
        }
        answer.accept(first);
    }
}
