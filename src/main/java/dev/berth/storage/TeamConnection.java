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

/**
 * One of Berth's connections: counts what it prepares ({@code berth.sql.statements}) and spares PostgreSQL the round
 * trips that carry no work.
 * <ul>
 * <li><b>A transaction that writes</b> (or asks for more than read committed): the team it enters goes with its next
 *     statement ({@link TeamStatement}), not as a {@code set_config} of its own.</li>
 * <li><b>A read-only transaction at read committed</b> (every GraphQL query): no transaction is opened at all. Each
 *     statement runs on its own, in autocommit, carrying in its round trip the team entered so far and
 *     {@code transaction_read_only}; both hold until PostgreSQL's Sync, which pgjdbc sends after the statement. At read
 *     committed each statement of a transaction takes its own snapshot anyway, so the answers are the same; what goes
 *     is {@code BEGIN}'s piggyback and the {@code COMMIT} round trip. Whatever cannot carry the team that way (a
 *     statement prepared with options, a plain {@code Statement}, a batch, a fetch size, a savepoint, an
 *     advisory lock held to the end of the transaction, an unwrap) first turns the read into the real read-only
 *     transaction it stood for, entered in its team, exactly as before.</li>
 * </ul>
 * Micronaut's transaction manager asks for autocommit off and read-only through this connection; both are answered
 * as asked and reach pgjdbc only when the transaction turns real, so a read leaves nothing for the pool to reset.
 */
final class TeamConnection implements InvocationHandler, TeamSetting {
    /** Carried by every statement of a read: its team and read-only, until the statement's Sync. */
    static final String READ_PREFIX = "SELECT set_config('berth.team_id', ?, true), set_config('transaction_read_only', 'on', true)";

    private enum Mode { AUTOCOMMIT, READ, TRANSACTION }

    private final Connection connection;
    private final Counter statements;
    private boolean autoCommit = true;
    private boolean readOnly;
    private boolean realReadOnly;
    private int isolation = Connection.TRANSACTION_READ_COMMITTED;
    private @Nullable Mode mode = Mode.AUTOCOMMIT;
    /** A transaction's team not yet sent; a read's team ("" for none), carried by each statement. */
    private @Nullable String team;

    private TeamConnection(Connection connection, Counter statements) {
        this.connection = connection;
        this.statements = statements;
    }

    static Connection of(Connection connection, Counter statements) {
        return (Connection) Proxy.newProxyInstance(TeamSetting.class.getClassLoader(), new Class<?>[] {Connection.class, TeamSetting.class},
                new TeamConnection(connection, statements));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == TeamSetting.class) return method.invoke(this, args);
        var name = method.getName();
        switch (name) {
            case "prepareStatement" -> {
                statements.increment();
                var sql = (String) args[0];
                if (args.length == 1 && carry() != null && !(mode() == Mode.READ && holdsToTheEnd(sql))) {
                    return TeamStatement.of(connection, sql, this);
                }
                enterNow();
            }
            case "createStatement", "prepareCall" -> {
                statements.increment();
                enterNow();
            }
            case "setAutoCommit" -> {
                boolean on = (boolean) args[0];
                if (!on) {
                    if (autoCommit) {
                        autoCommit = false;
                        mode = null; // decided by the first statement, once read-only and isolation are known
                        team = null;
                    }
                    return null;
                }
                var was = mode;
                autoCommit = true;
                mode = Mode.AUTOCOMMIT;
                team = null;
                if (was != Mode.TRANSACTION) return null;
            }
            case "getAutoCommit" -> {
                return autoCommit;
            }
            case "setReadOnly" -> {
                readOnly = (boolean) args[0];
                if (mode != Mode.TRANSACTION && readOnly == realReadOnly) return null;
                realReadOnly = readOnly;
            }
            case "isReadOnly" -> {
                return readOnly;
            }
            case "setTransactionIsolation" -> isolation = (int) args[0];
            case "commit", "rollback" -> {
                if (args == null || args.length == 0) {
                    team = null;
                    if (mode == null || mode == Mode.READ) return null; // nothing was opened: nothing to end
                } else {
                    team = null; // back to a savepoint: what was entered after it goes too
                }
            }
            case "setSavepoint", "unwrap", "isWrapperFor" -> {
                if (name.startsWith("unwrap") || name.startsWith("isWrapper")) {
                    if (((Class<?>) args[0]).isInstance(proxy)) return name.equals("unwrap") ? proxy : true;
                }
                enterNow();
            }
            case "close" -> {
                mode = Mode.AUTOCOMMIT;
                team = null;
            }
            default -> {}
        }
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** What this connection is doing, decided at its first statement after autocommit went off. */
    private Mode mode() {
        if (mode == null) {
            mode = readOnly && isolation == Connection.TRANSACTION_READ_COMMITTED ? Mode.READ : Mode.TRANSACTION;
            if (mode == Mode.TRANSACTION) begin();
            else team = "";
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

    /** A statement whose effect lasts until its transaction ends: a read must be a real transaction for it. */
    private static boolean holdsToTheEnd(String sql) {
        return sql.contains("pg_advisory_xact_lock");
    }

    @Override
    public void enterWithNextStatement(String team) {
        var current = mode();
        this.team = team;
        if (current == Mode.AUTOCOMMIT) enterNow(); // outside a transaction: as it always was (it holds for nothing)
    }

    @Override
    public @Nullable Carry carry() {
        var current = mode();
        if (team == null) return null;
        return new Carry(current == Mode.READ ? READ_PREFIX : TeamStatement.SET_TEAM, team);
    }

    @Override
    public void carried() {
        if (mode == Mode.TRANSACTION) team = null;
    }

    @Override
    public void enterNow() {
        var current = mode();
        if (current == Mode.AUTOCOMMIT) {
            if (team == null) return;
        } else if (current == Mode.READ) {
            mode = Mode.TRANSACTION;
            begin();
        }
        if (team == null) return;
        var entering = team;
        team = null;
        statements.increment();
        try (var statement = connection.prepareStatement(TeamStatement.SET_TEAM)) {
            statement.setString(1, entering);
            statement.execute();
        } catch (SQLException e) {
            throw new DataAccessException("Could not enter the team: " + e.getMessage(), e);
        }
    }

    @Override
    public @Nullable String pendingTeam() {
        return team;
    }
}
