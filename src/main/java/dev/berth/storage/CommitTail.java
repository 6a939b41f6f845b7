package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.postgresql.core.Parser;
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
 * @param fixedWidth whether its answer's rows have no column of variable width (none at all without {@code RETURNING}):
 *                pgjdbc then never sends a Sync of its own before it (it does before a statement it has described whose
 *                rows may be of any size, to read what came back first), so statements kept with it stay in the one
 *                implicit transaction of {@link Ending#ALONE}
 */
record CommitTail<T>(String sql, List<Parameter> parameters, Statements.@Nullable RowReader<T> reader, Consumer<@Nullable T> answer,
                     @Nullable Function<SQLException, @Nullable RuntimeException> failure, boolean fixedWidth) {
    private static final Logger LOG = LoggerFactory.getLogger(CommitTail.class);

    /** One parameter's setter call, as the binder made it when the statement was kept (its values as they were then). */
    record Parameter(Method setter, Object[] args) {}

    /** Setters whose values the driver reads only when the statement runs: a kept statement refuses them. */
    private static final java.util.Set<String> READ_LATER = java.util.Set.of("setBinaryStream", "setCharacterStream", "setAsciiStream",
            "setUnicodeStream", "setNCharacterStream", "setBlob", "setClob", "setNClob");

    /** What pgjdbc's parse said of each kept statement's text; bounded: emptied when full. */
    private static final Map<String, Parsed> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_KEPT = 1024;

    /**
     * A statement to keep, its parameters bound now ({@code binder} runs at once: its errors are its caller's, and a value
     * replaced later is not what goes; byte arrays are copied, streams refused, other mutable values such as a
     * {@code java.util.Date} must not change until the transaction ends; the driver's own checks of a value come when the
     * statement runs). The text must be one statement, and the binder must set each of its parameters
     * exactly (by index, in any order) and nothing else: the statements go together, each one's parameters after the
     * last one's, so a gap would shift the next statement's values.
     */
    static <T> CommitTail<T> of(String sql, Statements.Binder binder, Statements.@Nullable RowReader<T> reader, Consumer<@Nullable T> answer,
                                @Nullable Function<SQLException, @Nullable RuntimeException> failure, boolean fixedWidthAnswer) throws SQLException {
        var parsed = parse(sql);
        int count = parsed.parameters();
        var recorded = new ArrayList<Parameter>();
        var set = new java.util.BitSet();
        binder.bind((PreparedStatement) Proxy.newProxyInstance(CommitTail.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                    if (!TeamStatement.isParameter(method)) {
                        throw new UnsupportedOperationException("a kept statement's binder only sets parameters, not " + method.getName());
                    }
                    if (READ_LATER.contains(method.getName())) {
                        throw new UnsupportedOperationException("a kept statement's values are taken when kept, not streamed later: " + method.getName());
                    }
                    int index = (int) args[0];
                    if (index < 1 || index > count) throw new SQLException("The parameter index " + index + " is out of range (1.." + count + ").", "22023");
                    set.set(index);
                    var values = args.clone();
                    if (values[1] instanceof byte[] bytes) values[1] = bytes.clone(); // as pgjdbc would have taken it now
                    recorded.add(new Parameter(method, values));
                    return null;
                }));
        if (set.cardinality() != count) {
            throw new IllegalArgumentException("a kept statement's binder set " + set.cardinality() + " of its " + count + " parameters: " + sql);
        }
        return new CommitTail<>(sql, List.copyOf(recorded), reader, answer, failure, !parsed.returning() || fixedWidthAnswer);
    }

    /** What pgjdbc's own parse says of a kept statement's text: its parameters, and whether it answers rows. */
    private record Parsed(int parameters, boolean returning) {}

    private static Parsed parse(String sql) throws SQLException {
        var known = PARSED.get(sql);
        if (known != null) return known;
        var parsed = Parser.parseJdbcSql(sql, true, true, true, false, false);
        if (parsed.size() != 1) throw new IllegalArgumentException("a kept statement must be one statement, not " + parsed.size() + ": " + sql);
        var one = parsed.get(0);
        var result = new Parsed(one.bindPositions.length, one.command.isReturningKeywordPresent() || one.command.getType() == org.postgresql.core.SqlCommandType.SELECT);
        if (PARSED.size() >= PARSED_KEPT) PARSED.clear();
        PARSED.put(sql, result);
        return result;
    }

    /**
     * What each text said to answer rows of fixed width was seen to answer, once (a text's columns do not change): true
     * when its columns were of fixed width, false when one was not, which keeps it from going alone from then on. Seen
     * at its first run, which is always safe (pgjdbc describes a statement, and may then send a Sync before it, only once
     * it prepares it on the server, after several runs on a connection). Bounded: when full, none goes alone.
     */
    private static final Map<String, Boolean> WIDTH_SEEN = new ConcurrentHashMap<>();

    /** Whether this statement may go in {@link Ending#ALONE}: its answer's width is fixed, as said and as seen. */
    boolean alone() {
        return fixedWidth && !Boolean.FALSE.equals(WIDTH_SEEN.get(sql)) && WIDTH_SEEN.size() < PARSED_KEPT;
    }

    private static final java.util.Set<Integer> FIXED_TYPES = java.util.Set.of(java.sql.Types.BIT, java.sql.Types.BOOLEAN,
            java.sql.Types.SMALLINT, java.sql.Types.INTEGER, java.sql.Types.BIGINT, java.sql.Types.REAL, java.sql.Types.DOUBLE,
            java.sql.Types.FLOAT, java.sql.Types.DATE, java.sql.Types.TIME, java.sql.Types.TIMESTAMP,
            java.sql.Types.TIME_WITH_TIMEZONE, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);

    /** Checks what {@link #fixedWidth} said against the columns {@code rows} has, the first time the text answers. */
    private void checkWidth(java.sql.ResultSet rows) throws SQLException {
        if (!fixedWidth || WIDTH_SEEN.containsKey(sql)) return;
        var columns = rows.getMetaData();
        for (int i = 1; i <= columns.getColumnCount(); i++) {
            int type = columns.getColumnType(i);
            if (FIXED_TYPES.contains(type) || type == java.sql.Types.OTHER && "uuid".equals(columns.getColumnTypeName(i))) continue;
            WIDTH_SEEN.put(sql, false);
            LOG.error("event=kept-answer-not-fixed-width column={} type={}", i, columns.getColumnTypeName(i));
            return;
        }
        WIDTH_SEEN.put(sql, true);
    }

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

    /** How a run of kept statements ends. */
    enum Ending {
        /** The transaction goes on: what follows runs in it. */
        OPEN,
        /** With the transaction's {@code COMMIT}, in the same round trip. */
        COMMIT,
        /**
         * In autocommit, before one Sync, as the whole of a transaction that sent nothing else: PostgreSQL runs them as
         * one implicit transaction and commits it at the Sync (only statements whose answers are of fixed width).
         */
        ALONE
    }

    /**
     * Runs {@code kept} in order on {@code connection} in one round trip, behind {@code team} entered first when not null
     * and ended as {@code ending} says; hands each its first row, read (null when none), once all ran. A statement that
     * fails leaves the rest and the {@code COMMIT} unrun (PostgreSQL skips them until the Sync): the transaction is
     * aborted, as it would be had the statement run alone; the failure is the first kept statement's meaning of it, if
     * one has one ({@link Failed}), else as it came.
     */
    static void run(Connection connection, @Nullable String team, List<CommitTail<?>> kept, Ending ending) throws SQLException {
        var sql = new StringBuilder();
        if (team != null) sql.append(TeamStatement.SET_TEAM).append(";\n");
        // each on lines of its own: a statement ending in a comment cannot swallow the separator
        for (int i = 0; i < kept.size(); i++) sql.append(i == 0 ? "" : "\n;\n").append(kept.get(i).sql());
        if (ending == Ending.COMMIT) sql.append("\n;\nCOMMIT");
        var statement = connection.prepareStatement(sql.toString());
        try {
            int offset = 0;
            if (team != null) statement.setString(++offset, team);
            for (var tail : kept) offset = tail.bind(statement, offset);
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
                try {
                    tail.answerFrom(statement);
                } catch (SQLException | RuntimeException e) {
                    // committed: what is left must not fail the commit (its caller would report a committed change
                    // as failed, and skip what follows a commit)
                    if (ending == Ending.OPEN) throw e;
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
                    if (rows != null) checkWidth(rows);
                    if (rows != null && rows.next()) row = reader.read(rows);
                }
            }
        } finally {
            statement.getMoreResults(); // the next statement's result, whatever became of this one's
        }
        answer.accept(row);
    }

    /**
     * Sets this statement's parameters past {@code offset}; answers where the next statement's start (its parameters
     * are each of 1..n, {@link #of} saw to that: the highest index is their count).
     */
    private int bind(PreparedStatement statement, int offset) throws SQLException {
        int next = offset;
        for (var parameter : parameters) {
            var args = parameter.args().clone();
            args[0] = (int) args[0] + offset;
            next = Math.max(next, (int) args[0]);
            try {
                parameter.setter().invoke(statement, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException sql) throw sql;
                throw new SQLException("Could not set a kept statement's parameter: " + e.getCause(), e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return next;
    }

    private static void close(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            LOG.warn("event=statement-close-failed error={}", e.getClass().getSimpleName());
        }
    }
}
