package dev.berth.storage;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A statement prepared while a team is to travel with it: a prepared statement that becomes
 * {@code <prefix>; <statement>} when executed (the prefix a {@code set_config} with the team as its one parameter), so
 * PostgreSQL gets the team and the statement in one round trip: pgjdbc sends both before one Sync, and they run in
 * order in one transaction (the explicit one, or, for a read in autocommit, the implicit one that lasts until the
 * Sync). The caller sees the statement it prepared: its parameters are shifted by one, an execution answers with the
 * second result, never the prefix's, and each execution carries the team in force then.
 * <p>
 * pgjdbc sends a Sync between the two (and reads the first answer) before a statement it has described whose rows have
 * no fixed width (its guard against filling both sockets' buffers); it describes a server-prepared statement that had
 * a parameter of no known type (with {@code stringtype=unspecified}: strings, nulls, timestamps). The prefixes answer
 * a boolean (fixed width). In a read, that Sync would end the implicit transaction and with it the team: a read's
 * statement with such a parameter is run in the real read-only transaction instead
 * ({@link TeamSetting#keepInOneTransaction}), where a Sync ends nothing.
 * <p>
 * Until it executes, what is asked of it is recorded and replayed on the real statement. Anything but a plain
 * execution (a batch, metadata, a fetch size, an unwrap...) sends the team on its own first and runs the statement as
 * prepared.
 */
final class TeamStatement implements InvocationHandler {
    static final String SET_TEAM = "SELECT set_config('berth.team_id', ?, true) IS NOT NULL";

    private record Call(Method method, Object[] args) {}

    private static final Set<Class<?>> TYPED_VALUES = Set.of(UUID.class, Integer.class, Long.class, Short.class, Byte.class,
            Boolean.class, Double.class, Float.class, BigDecimal.class, byte[].class);

    private final Connection connection;
    private final Connection owner;
    private final String sql;
    private final TeamSetting setting;
    private final List<Call> recorded = new ArrayList<>();
    private PreparedStatement real;
    private boolean carrying;
    private boolean untyped;
    private boolean closed;

    private TeamStatement(Connection connection, Connection owner, String sql, TeamSetting setting) {
        this.connection = connection;
        this.owner = owner;
        this.sql = sql;
        this.setting = setting;
    }

    /**
     * @param connection the pool's connection, where the real statement is prepared
     * @param owner      the connection the caller prepared it on (what {@code getConnection} answers)
     * @param setting    its team setting: what it carries when this statement executes goes in front
     */
    static PreparedStatement of(Connection connection, Connection owner, String sql, TeamSetting setting) {
        return (PreparedStatement) Proxy.newProxyInstance(TeamStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                new TeamStatement(connection, owner, sql, setting));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        var name = method.getName();
        switch (name) {
            case "getConnection" -> { return owner; }
            case "equals" -> { return proxy == args[0]; }
            case "hashCode" -> { return System.identityHashCode(proxy); }
            case "toString" -> { return "TeamStatement[" + sql + "]"; }
            default -> {}
        }
        // prepared before writes the transaction kept since, it runs after them, as it would have with them sent
        if (name.startsWith("execute")) setting.runKept();
        boolean plainExecution = args == null && (name.equals("executeQuery") || name.equals("executeUpdate")
                || name.equals("execute") || name.equals("executeLargeUpdate"));
        boolean parameter = isParameter(method);
        if (parameter && !typed(method, args)) untyped = true;
        if (real == null) {
            switch (name) {
                case "close" -> { closed = true; return null; }
                case "isClosed" -> { return closed; }
                case "unwrap", "isWrapperFor" -> {
                    if (((Class<?>) args[0]).isInstance(proxy)) return name.equals("unwrap") ? proxy : true;
                }
                default -> {}
            }
            if (closed) throw new SQLException("This statement has been closed.");
            if (!plainExecution && (parameter || isSetting(method) && !fetchesInParts(method, args))) {
                recorded.add(new Call(method, args));
                return null;
            }
            open(plainExecution);
        }
        if (carrying && plainExecution) return executeAfterTeam(name);
        return apply(method, args, parameter);
    }

    /** The real statement: with the team in front for a plain execution, else after sending the team on its own. */
    private void open(boolean withTeam) throws Throwable {
        if (withTeam && untyped) setting.keepInOneTransaction();
        var prefix = withTeam ? setting.carry() : null;
        if (prefix != null) {
            real = connection.prepareStatement(prefix + ";\n" + sql);
            carrying = true;
        } else {
            setting.enterNow();
            real = connection.prepareStatement(sql);
        }
        for (var call : recorded) apply(call.method(), call.args(), isParameter(call.method()));
        recorded.clear();
    }

    /** A call on the real statement; with the team in front, parameters move up by one. */
    private Object apply(Method method, Object[] args, boolean parameter) throws Throwable {
        if (carrying && parameter) {
            args = args.clone();
            args[0] = (int) args[0] + 1;
        }
        return call(method, args);
    }

    /** The statement's own answer, past the prefix's row, with the meaning the execution method has. */
    private Object executeAfterTeam(String name) throws SQLException {
        if (untyped) setting.keepInOneTransaction();
        real.setString(1, setting.current());
        real.execute();
        setting.carried();
        boolean resultSet = real.getMoreResults();
        return switch (name) {
            case "executeQuery" -> {
                if (!resultSet) throw new SQLException("No results were returned by the query.", "02000");
                yield real.getResultSet();
            }
            case "executeUpdate" -> {
                if (resultSet) throw new SQLException("A result was returned when none was expected.", "0100E");
                yield real.getUpdateCount();
            }
            case "executeLargeUpdate" -> {
                if (resultSet) throw new SQLException("A result was returned when none was expected.", "0100E");
                yield real.getLargeUpdateCount();
            }
            default -> resultSet;
        };
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Whether pgjdbc sends this parameter with its type (with stringtype=unspecified, strings and nulls go untyped). */
    private static boolean typed(Method method, Object[] args) {
        return switch (method.getName()) {
            case "setInt", "setLong", "setShort", "setByte", "setBoolean", "setFloat", "setDouble", "setBigDecimal", "setBytes", "setArray" -> true;
            case "setObject" -> args.length == 2 && args[1] != null && (TYPED_VALUES.contains(args[1].getClass()) || args[1] instanceof java.sql.Array);
            default -> false;
        };
    }

    /** A fetch size: rows in parts need a transaction's open portal (pgjdbc fetches all at once in autocommit). */
    private static boolean fetchesInParts(Method method, Object[] args) {
        return method.getName().equals("setFetchSize") && (int) args[0] > 0;
    }

    /** A parameter's value: PreparedStatement's setters, whose first argument is the parameter's index. */
    static boolean isParameter(Method method) {
        return method.getDeclaringClass() == PreparedStatement.class && method.getName().startsWith("set")
                && method.getParameterCount() > 0 && method.getParameterTypes()[0] == int.class;
    }

    /** Recorded until the statement opens: statement-wide settings (fetch size, timeout, ...) and clearings. */
    private static boolean isSetting(Method method) {
        return method.getDeclaringClass() == java.sql.Statement.class && method.getName().startsWith("set")
                || method.getName().equals("clearWarnings") || method.getName().equals("clearParameters");
    }
}
