package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A statement kept by its connection ({@link TeamConnection}) to go with what the transaction sends next, at the latest
 * its {@code COMMIT}: the writes whose answers the work does not wait for (a project with its first environment, a
 * mutation's audit row) go as {@code [<team>;] <first>; <second>; COMMIT} before one Sync, one round trip where there
 * were one per statement and one for the COMMIT; see {@link Statements#atCommit} and {@link Statements#kept}.
 *
 * @param reader  reads its first row for {@link #answer}; null: nothing to read
 * @param failure what its own failure means to the caller (a unique name taken: a CONFLICT); null, or null answered
 *                for a failure that is not its own: the failure as it came
 */
record CommitTail<T>(String sql, Statements.Binder binder, Statements.@Nullable RowReader<T> reader, Consumer<@Nullable T> answer,
                     @Nullable Function<SQLException, @Nullable RuntimeException> failure) {
    private static final Logger LOG = LoggerFactory.getLogger(CommitTail.class);

    /** A kept statement failed, and said what that means: thrown as {@link #meaning} by the transaction's caller. */
    static final class Failed extends SQLException {
        private final transient RuntimeException meaning;

        Failed(SQLException cause, RuntimeException meaning) {
            super(cause.getMessage(), cause.getSQLState(), cause);
            this.meaning = meaning;
        }

        RuntimeException meaning() {
            return meaning;
        }
    }

    /** What a kept statement's failure means, if one of them said so anywhere in {@code thrown}'s causes; else null. */
    static @Nullable RuntimeException meaningOf(@Nullable Throwable thrown) {
        for (var t = thrown; t != null; t = t.getCause()) {
            if (t instanceof Failed failed) return failed.meaning();
        }
        return null;
    }

    /**
     * Runs {@code kept} in order on {@code connection} in one round trip, behind {@code team} entered first when not null
     * and followed by the transaction's {@code COMMIT} when {@code commit}; hands each its first row, read (null when
     * none), once all ran. A statement that fails leaves the rest and the {@code COMMIT} unrun (PostgreSQL skips them
     * until the Sync): the transaction is aborted, as it would be had the statement run alone; the failure is the
     * first kept statement's meaning of it, if one has one ({@link Failed}), else as it came.
     */
    static void run(Connection connection, @Nullable String team, List<CommitTail<?>> kept, boolean commit) throws SQLException {
        var sql = new StringBuilder();
        if (team != null) sql.append(TeamStatement.SET_TEAM).append(";\n");
        for (int i = 0; i < kept.size(); i++) sql.append(i == 0 ? "" : ";\n").append(kept.get(i).sql());
        if (commit) sql.append(";\nCOMMIT");
        var statement = connection.prepareStatement(sql.toString());
        try {
            int offset = 0;
            if (team != null) statement.setString(++offset, team);
            for (var tail : kept) offset += bind(statement, offset, tail.binder());
            try {
                statement.execute();
            } catch (SQLException e) {
                for (var tail : kept) {
                    var meaning = tail.failure() == null ? null : tail.failure().apply(e);
                    if (meaning != null) throw new Failed(e, meaning);
                }
                throw e;
            }
            if (team != null) statement.getMoreResults();
            for (var tail : kept) {
                if (!commit) {
                    tail.answerFrom(statement);
                    continue;
                }
                // committed: what is left must not fail the commit (its caller would report a committed change as
                // failed, and skip what follows a commit)
                try {
                    tail.answerFrom(statement);
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("event=commit-tail-answer-failed error={}", e.getClass().getSimpleName());
                }
            }
        } finally {
            close(statement);
        }
    }

    /** Hands {@link #answer} its first row, read from the statement's current result, and moves on to the next result. */
    private void answerFrom(PreparedStatement statement) throws SQLException {
        T row = null;
        try {
            if (reader != null) {
                try (var rows = statement.getResultSet()) {
                    if (rows != null && rows.next()) row = reader.read(rows);
                }
            }
        } finally {
            statement.getMoreResults(); // the next statement's result, whatever became of this one's
        }
        answer.accept(row);
    }

    /** Binds one kept statement's parameters past {@code offset}; answers how many it set (its highest index). */
    private static int bind(PreparedStatement statement, int offset, Statements.Binder binder) throws SQLException {
        var highest = new int[1];
        var shifted = (PreparedStatement) Proxy.newProxyInstance(CommitTail.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                    if (!TeamStatement.isParameter(method)) {
                        throw new UnsupportedOperationException("a kept statement's binder only sets parameters, not " + method.getName());
                    }
                    args = args.clone();
                    int index = (int) args[0];
                    highest[0] = Math.max(highest[0], index);
                    args[0] = index + offset;
                    try {
                        return method.invoke(statement, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        binder.bind(shifted);
        return highest[0];
    }

    private static void close(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            LOG.warn("event=statement-close-failed error={}", e.getClass().getSimpleName());
        }
    }
}
