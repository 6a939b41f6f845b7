package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transaction's last statement, kept by its connection ({@link TeamConnection}) to go with the {@code COMMIT}: pgjdbc
 * sends {@code <statement>; COMMIT} before one Sync, one round trip where two were; see {@link Statements#atCommit}.
 */
record CommitTail<T>(String sql, Statements.Binder binder, Statements.RowReader<T> reader, Consumer<@Nullable T> answer) {
    private static final Logger LOG = LoggerFactory.getLogger(CommitTail.class);

    /**
     * Runs the statement on {@code connection}, followed by the transaction's {@code COMMIT} in the same round trip when
     * {@code commit}; hands its first row, read (null when none), to {@link #answer} once it ran. A statement that fails
     * leaves the {@code COMMIT} unrun (PostgreSQL skips the rest until the Sync): the transaction is aborted, as it would
     * be had the statement run alone.
     */
    void run(Connection connection, boolean commit) throws SQLException {
        var statement = connection.prepareStatement(commit ? sql + ";\nCOMMIT" : sql);
        try {
            binder.bind(statement);
            statement.execute();
            if (!commit) {
                answer.accept(first(statement));
                return;
            }
            // committed: what is left must not fail the commit (its caller would report a committed change as failed,
            // and skip what follows a commit)
            try {
                answer.accept(first(statement));
            } catch (SQLException | RuntimeException e) {
                LOG.warn("event=commit-tail-answer-failed error={}", e.getClass().getSimpleName());
            }
        } finally {
            close(statement);
        }
    }

    private @Nullable T first(java.sql.PreparedStatement statement) throws SQLException {
        try (var rows = statement.getResultSet()) {
            return rows != null && rows.next() ? reader.read(rows) : null;
        }
    }

    private static void close(java.sql.PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            LOG.warn("event=statement-close-failed error={}", e.getClass().getSimpleName());
        }
    }
}
