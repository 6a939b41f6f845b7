package dev.berth.storage;

import io.micrometer.core.instrument.Counter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * One of Berth's connections: counts what it prepares ({@code berth.sql.statements}) and spares PostgreSQL the round
 * trips that carry no work.
 * <ul>
 * <li><b>A transaction that writes</b> (or asks for more than read committed): the first team it enters, before it
 *     prepares anything, goes with its next statement ({@link TeamStatement}), not as a {@code set_config} of its
 *     own. Once it has prepared a statement, a team it enters is sent at once, as it always was (a statement prepared
 *     earlier and run later must run in it).</li>
 * <li><b>A read-only transaction at read committed</b> (every GraphQL query): no transaction is opened at all. Each
 *     statement runs on its own, in autocommit, carrying in its round trip the team entered so far and
 *     {@code transaction_read_only}; both hold until PostgreSQL's Sync, which pgjdbc sends after the statement. At read
 *     committed each statement of a transaction takes its own snapshot anyway, so the answers are the same; what goes
 *     is {@code BEGIN}'s piggyback and the {@code COMMIT} round trip. Whatever cannot carry the team that way (a
 *     statement prepared with options, a plain {@code Statement}, a batch, a fetch size, a savepoint, something that
 *     lasts to the end of a transaction, an unwrap, a parameter pgjdbc sends untyped: see {@link TeamStatement})
 *     first turns the read into the real read-only transaction it stood for, entered in its team, as before.</li>
 * <li><b>Writes whose answers the work does not wait for</b> ({@link Statements#kept}: a new project with its first
 *     environment; {@link Statements#atCommit}: a mutation's audit row) are kept, in order, and go together in one round
 *     trip with the {@code COMMIT}, behind the transaction's team when they are its first statements; anything else done
 *     with the connection first runs them, in their place. When they are all the transaction did (a create), they go
 *     without {@code BEGIN} and {@code COMMIT}, as the one implicit transaction PostgreSQL makes of what comes before a
 *     Sync.</li>
 * </ul>
 * Micronaut's transaction manager asks for read-only, then autocommit off, through this connection; both are answered
 * as asked and reach pgjdbc only when the transaction turns real, so a read leaves nothing for the pool to reset.
 */
final class TeamConnection implements InvocationHandler, TeamSetting {
    /** Carried by every statement of a read: its team and read-only, until the statement's Sync (a fixed-width answer). */
    static final String READ_PREFIX = "SELECT num_nulls(set_config('berth.team_id', ?, true), set_config('transaction_read_only', 'on', true)) = 0";

    /** What lasts to the end of a transaction: a read holding it must be a real transaction. */
    private static final Pattern HOLDS_TO_THE_END = Pattern.compile(
            "(?i)advisory_xact_lock|set_config|\\bset\\s+local\\b|\\bdeclare\\b|\\bnotify\\b|pg_notify|\\btemp(orary)?\\b");

    /**
     * What {@link #HOLDS_TO_THE_END} said of each statement text seen so far (Berth's statements are constants: the
     * regular expression on every prepared read was a tenth of a query's CPU); bounded: emptied when full.
     */
    private static final Map<String, Boolean> HOLDS = new ConcurrentHashMap<>();
    private static final int HOLDS_KEPT = 2048;

    private enum Mode { AUTOCOMMIT, READ, TRANSACTION }

    /** What leaves a statement kept for the {@code COMMIT} kept: the rest runs it first ({@link #atCommit}). */
    private static final java.util.Set<String> KEEPS_THE_TAIL = java.util.Set.of("commit", "rollback", "close", "getAutoCommit", "isReadOnly",
            "getTransactionIsolation", "isClosed", "isValid", "getWarnings", "clearWarnings", "equals", "hashCode", "toString", "abort");

    private final Connection connection;
    private final Counter statements;
    private final Counter withCommit;
    private Connection self;
    private boolean autoCommit = true;
    private boolean readOnly;
    private boolean realReadOnly;
    private int isolation = Connection.TRANSACTION_READ_COMMITTED;
    private @Nullable Mode mode = Mode.AUTOCOMMIT;
    /** The team the transaction is in (null: none entered); in a transaction, whether it is yet to be sent. */
    private @Nullable String current;
    private boolean pending;
    /** Whether the transaction has prepared a statement: from then on a team entered is sent at once. */
    private boolean prepared;
    private final Map<Savepoint, String> teamAt = new HashMap<>();
    /** The statements kept to go with the transaction's next round trip, at the latest its COMMIT; in order. */
    private final java.util.List<CommitTail<?>> tail = new java.util.ArrayList<>();
    /** The team the kept statements go behind, entered first in their round trip (null: already sent). */
    private @Nullable String tailTeam;
    /**
     * A kept statement failed when run in its place: the transaction is aborted whatever its caller did with the
     * error, so its commit must fail (PostgreSQL would answer the COMMIT with a rollback pgjdbc does not report).
     */
    private @Nullable SQLException tailFailed;

    private TeamConnection(Connection connection, Counter statements, Counter withCommit) {
        this.connection = connection;
        this.statements = statements;
        this.withCommit = withCommit;
    }

    /** @param isolation the level a transaction gets when it asks for none (the database's default) */
    static Connection of(Connection connection, Counter statements, Counter withCommit, int isolation) throws SQLException {
        var handler = new TeamConnection(connection, statements, withCommit);
        handler.isolation = isolation;
        handler.realReadOnly = connection.isReadOnly();
        handler.self = (Connection) Proxy.newProxyInstance(TeamSetting.class.getClassLoader(), new Class<?>[] {Connection.class, TeamSetting.class}, handler);
        return handler.self;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == TeamSetting.class) return call(this, method, args);
        var name = method.getName();
        if (!tail.isEmpty() && !KEEPS_THE_TAIL.contains(name) && !asksForItself(proxy, name, args)) runTail();
        switch (name) {
            case "prepareStatement" -> {
                statements.increment();
                var sql = (String) args[0];
                if (args.length == 1 && !(mode() == Mode.READ && holdsToTheEnd(sql)) && carry() != null) {
                    prepared = true;
                    return TeamStatement.of(connection, self, sql, this);
                }
                enterNow();
                prepared = true;
                return keptFirst(call(method, args));
            }
            case "createStatement", "prepareCall" -> {
                statements.increment();
                enterNow();
                prepared = true;
                return keptFirst(call(method, args));
            }
            case "setAutoCommit" -> {
                boolean on = (boolean) args[0];
                if (!on) {
                    if (autoCommit) {
                        autoCommit = false;
                        mode = null; // decided by the first statement, once read-only and isolation are known
                        endTransaction();
                    }
                    return null;
                }
                var was = mode;
                autoCommit = true;
                mode = Mode.AUTOCOMMIT;
                endTransaction();
                if (was != Mode.TRANSACTION) return null;
            }
            case "getAutoCommit" -> {
                return autoCommit;
            }
            case "setReadOnly" -> {
                // within a real transaction, or to undo what one set; a read or autocommit keeps it to itself
                readOnly = (boolean) args[0];
                boolean undo = realReadOnly && !readOnly;
                if (mode != Mode.TRANSACTION && !undo) return null;
                realReadOnly = readOnly;
            }
            case "isReadOnly" -> {
                return readOnly;
            }
            case "setTransactionIsolation" -> isolation = (int) args[0];
            case "commit", "rollback" -> {
                var kept = takeTail(); // a rollback drops them with the rest
                if (args == null || args.length == 0) {
                    var was = mode;
                    var failed = tailFailed;
                    endTransaction();
                    if (failed != null && name.equals("commit")) {
                        throw new SQLException("A statement kept for the commit failed; nothing was committed: " + failed.getMessage(), failed.getSQLState(), failed);
                    }
                    if (!kept.statements().isEmpty() && name.equals("commit")) {
                        statements.increment(kept.statements().size());
                        withCommit.increment(kept.statements().size());
                        if (keptAreAll(was, kept)) runAlone(kept);
                        else CommitTail.run(connection, kept.team(), kept.statements(), CommitTail.Ending.COMMIT); // pgjdbc then has nothing left to commit, and sends nothing
                    }
                    if (was == null || was == Mode.READ) return null; // nothing was opened: nothing to end
                } else {
                    // back to a savepoint: PostgreSQL undoes a team entered after it, and a kept statement's failure
                    // (any savepoint still there was set before it: an aborted transaction sets none)
                    tailFailed = null;
                    current = teamAt.getOrDefault((Savepoint) args[0], current);
                    pending = false;
                }
            }
            case "setSavepoint" -> {
                enterNow();
                var savepoint = (Savepoint) call(method, args);
                teamAt.put(savepoint, current);
                return savepoint;
            }
            case "unwrap", "isWrapperFor" -> {
                if (asksForItself(proxy, name, args)) return name.equals("unwrap") ? proxy : true;
                enterNow(); // the driver's own connection may run statements this class never sees
            }
            case "close" -> {
                mode = Mode.AUTOCOMMIT;
                endTransaction();
            }
            case "equals" -> {
                return proxy == args[0];
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            default -> {}
        }
        return call(method, args);
    }

    /**
     * The driver's statement, in a transaction made to run the statements kept so far before each of its executions (it
     * may have been prepared before they were kept: it runs after them, as it would have had they been sent); outside
     * one, nothing is ever kept, and the statement is the driver's.
     */
    private Object keptFirst(Object statement) {
        if (mode != Mode.TRANSACTION) return statement;
        var type = statement instanceof java.sql.CallableStatement ? java.sql.CallableStatement.class
                : statement instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : java.sql.Statement.class;
        return Proxy.newProxyInstance(TeamConnection.class.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            switch (method.getName()) {
                case "getConnection" -> { return self; }
                case "equals" -> { return p == args[0]; }
                case "hashCode" -> { return System.identityHashCode(p); }
                default -> {
                    if (method.getName().startsWith("execute")) runKept();
                    return call(statement, method, args);
                }
            }
        });
    }

    /** {@code unwrap(TeamSetting.class)} and the like: this connection's own, nothing of the driver's. */
    private static boolean asksForItself(Object proxy, String name, Object[] args) {
        return (name.equals("unwrap") || name.equals("isWrapperFor")) && ((Class<?>) args[0]).isInstance(proxy);
    }

    private static boolean holdsToTheEnd(String sql) {
        var known = HOLDS.get(sql);
        if (known != null) return known;
        boolean holds = HOLDS_TO_THE_END.matcher(sql).find();
        if (HOLDS.size() >= HOLDS_KEPT) HOLDS.clear(); // texts made per call (a list's placeholders) must not crowd the constants out for good
        HOLDS.put(sql, holds);
        return holds;
    }

    private Object call(Method method, Object[] args) throws Throwable {
        return call(connection, method, args);
    }

    /** What the target throws, as it threw it (not wrapped by reflection, nor by the proxy after it). */
    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void endTransaction() {
        tail.clear();
        tailTeam = null;
        tailFailed = null;
        current = null;
        pending = false;
        prepared = false;
        teamAt.clear();
    }

    /** What this connection is doing, decided at its first statement after autocommit went off. */
    private Mode mode() {
        if (mode == null) {
            mode = readOnly && isolation == Connection.TRANSACTION_READ_COMMITTED ? Mode.READ : Mode.TRANSACTION;
            if (mode == Mode.TRANSACTION) begin();
        }
        return mode;
    }

    /** The real transaction: pgjdbc opens it with the next statement (BEGIN, or BEGIN READ ONLY, in its round trip). */
    private void begin() {
        try {
            connection.setAutoCommit(false);
            if (readOnly != realReadOnly) {
                connection.setReadOnly(readOnly);
                realReadOnly = readOnly;
            }
        } catch (SQLException e) {
            throw new DataAccessException("Could not begin the transaction: " + e.getMessage(), e);
        }
    }

    /** What was kept so far and the team it goes behind: taken off the connection, which keeps nothing more. */
    private record Kept(java.util.List<CommitTail<?>> statements, @Nullable String team) {}

    private Kept takeTail() {
        var kept = new Kept(java.util.List.copyOf(tail), tailTeam);
        tail.clear();
        tailTeam = null;
        return kept;
    }

    /**
     * Whether the kept statements are the whole transaction and may go as one implicit transaction: a read-committed
     * write that has sent PostgreSQL nothing yet (pgjdbc has not even sent its {@code BEGIN}; another isolation level or
     * read-only would have to be its own {@code BEGIN}'s), whose kept statements all answer rows of a fixed width
     * ({@link CommitTail#fixedWidth}: before another, pgjdbc may send a Sync of its own, which would end the implicit
     * transaction there).
     */
    private boolean keptAreAll(@Nullable Mode was, Kept kept) throws SQLException {
        if (was != Mode.TRANSACTION || readOnly || isolation != Connection.TRANSACTION_READ_COMMITTED) return false;
        for (var statement : kept.statements()) {
            if (!statement.alone()) return false;
        }
        return connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
    }

    /**
     * The kept statements as a transaction of their own without {@code BEGIN} and {@code COMMIT}: sent in autocommit, in
     * one round trip before one Sync, PostgreSQL runs them as one implicit transaction (the team entered by the first
     * holds until the Sync; a failure skips the rest and rolls back the lot) and commits it at the Sync. Two statements
     * fewer for PostgreSQL to run (a create was 1,730–1,860 transactions a second through pgbench with them, 1,920–2,000
     * without). pgjdbc then has no transaction to commit, and sends nothing.
     */
    private void runAlone(Kept kept) throws SQLException {
        connection.setAutoCommit(true);
        try {
            CommitTail.run(connection, kept.team(), kept.statements(), CommitTail.Ending.ALONE);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.setAutoCommit(false);
            } catch (SQLException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException closed) {
            // committed at the Sync: a connection closed since is the pool's to drop, not a failed commit
            org.slf4j.LoggerFactory.getLogger(TeamConnection.class).warn("event=autocommit-restore-failed error={}", closed.getClass().getSimpleName());
        }
    }

    /** The statements kept for the COMMIT run now, in their place, before what the transaction does next. */
    private void runTail() throws SQLException {
        var kept = takeTail();
        statements.increment(kept.statements().size());
        try {
            CommitTail.run(connection, kept.team(), kept.statements(), CommitTail.Ending.OPEN);
        } catch (SQLException e) {
            tailFailed = e;
            throw e;
        } catch (RuntimeException e) {
            // whatever failed (an answer), the transaction must not commit as if the writes had gone as they should
            tailFailed = new SQLException("A kept statement's answer failed: " + e, e);
            throw e;
        }
    }

    private void runTailNow() {
        if (tail.isEmpty()) return;
        try {
            runTail();
        } catch (SQLException e) {
            throw new DataAccessException("Could not run the transaction's statement: " + e.getMessage(), e);
        }
    }

    @Override
    public void atCommit(CommitTail<?> next) throws SQLException {
        if (mode() != Mode.TRANSACTION) {
            // no transaction to end with it (autocommit, or a read that cannot write anyway): as a statement of its own
            CommitTail.run(self, null, java.util.List.of(next), CommitTail.Ending.OPEN);
            return;
        }
        if (pending) {
            // the transaction's first statement: its team goes first, in the same round trip
            tailTeam = current();
            pending = false;
        }
        prepared = true;
        tail.add(next);
    }

    @Override
    public void runKept() {
        runTailNow();
    }

    @Override
    public @Nullable SQLException keptFailure() {
        return tailFailed;
    }

    @Override
    public void enterWithNextStatement(String team) {
        runTailNow();
        var now = mode();
        current = team;
        pending = now != Mode.READ;
        if (now == Mode.AUTOCOMMIT || now == Mode.TRANSACTION && prepared) enterNow();
    }

    @Override
    public @Nullable String carry() {
        return switch (mode()) {
            case READ -> READ_PREFIX;
            case TRANSACTION -> pending ? TeamStatement.SET_TEAM : null;
            case AUTOCOMMIT -> null;
        };
    }

    @Override
    public void carried() {
        pending = false;
    }

    @Override
    public String current() {
        return current == null ? "" : current;
    }

    @Override
    public void enterNow() {
        runTailNow();
        if (mode() == Mode.READ) keepInOneTransaction();
        if (!pending) return;
        pending = false;
        statements.increment();
        try (var statement = connection.prepareStatement(TeamStatement.SET_TEAM)) {
            statement.setString(1, current());
            statement.execute();
        } catch (SQLException e) {
            throw new DataAccessException("Could not enter the team: " + e.getMessage(), e);
        }
    }

    @Override
    public void keepInOneTransaction() {
        runTailNow();
        if (mode() != Mode.READ) return;
        mode = Mode.TRANSACTION;
        begin();
        pending = true;
    }

    @Override
    public @Nullable String pendingTeam() {
        return mode == Mode.READ || pending ? current() : null;
    }
}
