package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The statements the hand-written row classes run, in the caller's transaction: bind, execute, read. */
public final class Statements {
    private Statements() {}

    /** Sets a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Reads the current row. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the rows it changed. */
    public static int update(JdbcOperations jdbc, String sql, Binder binder) {
        return jdbc.prepareStatement(sql, statement -> {
            binder.bind(statement);
            return statement.executeUpdate();
        });
    }

    /** Runs a query that answers exactly one row (an aggregate, a lookup that must exist) and reads it. */
    public static <T> T one(JdbcOperations jdbc, String sql, Binder binder, RowReader<T> reader) {
        return jdbc.prepareStatement(sql, statement -> {
            binder.bind(statement);
            try (var rows = statement.executeQuery()) {
                if (!rows.next()) throw new IllegalStateException("no row for: " + sql);
                return reader.read(rows);
            }
        });
    }

    /** Runs a query and reads every row. */
    public static <T> List<T> list(JdbcOperations jdbc, String sql, Binder binder, RowReader<T> reader) {
        return jdbc.prepareStatement(sql, statement -> {
            binder.bind(statement);
            var out = new ArrayList<T>();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) out.add(reader.read(rows));
            }
            return out;
        });
    }

    /**
     * Runs {@code sql} as the current transaction's last statement: kept by the connection and sent with the
     * transaction's {@code COMMIT}, in its round trip (a mutation's audit row). Whatever the transaction does with the
     * connection before committing (prepares a statement, enters another team, sets a savepoint) runs it first, in its
     * place; a rollback drops it with the rest; outside a transaction it runs at once. {@code answer} gets its first
     * row, read (null when none), once it ran: at the latest while the transaction commits. Its failure, or the
     * COMMIT's, is the commit's. {@code fixedWidthAnswer}: every column it answers is of a fixed width (a boolean, a
     * number, a uuid, a timestamp; not text or JSON), checked when it runs: a transaction that is nothing but kept
     * statements of fixed-width answers goes without {@code BEGIN} and {@code COMMIT} (see {@link TeamConnection}).
     */
    public static <T> void atCommit(JdbcOperations jdbc, String sql, Binder binder, RowReader<T> reader, boolean fixedWidthAnswer,
                                    java.util.function.Consumer<T> answer) {
        keep(jdbc, () -> CommitTail.of(sql, binder, reader, answer, null, fixedWidthAnswer));
    }

    /**
     * Runs a write whose answer the work does not need (it made the row's id and values itself), kept by the
     * connection like {@link #atCommit}'s statement, in order with it: a transaction that writes a row and its audit
     * event sends both with its {@code COMMIT}, in one round trip. Whatever the transaction does with the connection
     * first (a query, another team, a savepoint) runs it, in its place; outside a transaction it runs at once.
     * {@code failure} says what its own failure means ({@code null} for one that is not its own: the failure as it
     * came); whoever ran the transaction ({@link TeamTransactions#write}) throws that meaning, wherever the statement
     * ran, even at the commit.
     */
    public static void kept(JdbcOperations jdbc, String sql, Binder binder,
                            java.util.function.Function<SQLException, @Nullable RuntimeException> failure) {
        keep(jdbc, () -> CommitTail.<Void>of(sql, binder, null, ignored -> {}, failure, false));
    }

    private interface Kept {
        CommitTail<?> make() throws SQLException;
    }

    private static void keep(JdbcOperations jdbc, Kept kept) {
        try {
            jdbc.getConnection().unwrap(TeamSetting.class).atCommit(kept.make());
        } catch (SQLException e) {
            var meaning = CommitTail.meaningOf(e);
            if (meaning != null) throw meaning;
            throw new io.micronaut.data.exceptions.DataAccessException("Could not run the statement: " + e.getMessage(), e);
        }
    }
}
