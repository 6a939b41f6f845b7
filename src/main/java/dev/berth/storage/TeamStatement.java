package dev.berth.storage;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The first statement of a transaction that has entered a team: a prepared statement that becomes
 * {@code SELECT set_config('berth.team_id', ?, true); <statement>} when executed, so PostgreSQL gets the team and the
 * statement in one round trip (pgjdbc sends both before one Sync; they run in order, in the transaction). The caller
 * sees the statement it prepared: its parameters are shifted by one, and an execution answers with the second
 * result, never the {@code set_config} row.
 * <p>
 * Until it executes, what is asked of it is recorded and replayed on the real statement. Anything but a plain
 * execution (a batch, metadata, an unwrap...) sends the team on its own first and runs the statement as prepared.
 */
final class TeamStatement implements InvocationHandler {
    static final String SET_TEAM = "SELECT set_config('berth.team_id', ?, true)";

    private record Call(Method method, Object[] args) {}

    private final Connection connection;
    private final String sql;
    private final TeamSetting setting;
    private final List<Call> recorded = new ArrayList<>();
    private PreparedStatement real;
    private String team;
    private boolean closed;

    private TeamStatement(Connection connection, String sql, TeamSetting setting) {
        this.connection = connection;
        this.sql = sql;
        this.setting = setting;
    }

    /**
     * @param connection the pool's connection
     * @param setting its team setting: the team remembered when this statement executes goes with it (or on its own
     *                first, for anything but a plain execution)
     */
    static PreparedStatement of(Connection connection, String sql, TeamSetting setting) {
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                new TeamStatement(connection, sql, setting));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        var name = method.getName();
        boolean plainExecution = args == null && (name.equals("executeQuery") || name.equals("executeUpdate")
                || name.equals("execute") || name.equals("executeLargeUpdate"));
        if (real == null) {
            switch (name) {
                case "close" -> { closed = true; return null; }
                case "isClosed" -> { return closed; }
                // what a statement's own binder asks for (an array's type): the pool's connection, as the driver answers
                case "getConnection" -> { return connection; }
                case "unwrap", "isWrapperFor" -> {
                    if (((Class<?>) args[0]).isInstance(proxy)) return name.equals("unwrap") ? proxy : true;
                }
                default -> {}
            }
            if (closed) throw new SQLException("This statement has been closed.");
            if (!plainExecution && (isParameter(method) || isSetting(method) && !fetchesInParts(method, args))) {
                recorded.add(new Call(method, args));
                return null;
            }
            open(plainExecution);
        }
        if (team != null && plainExecution) return executeAfterTeam(name);
        return apply(method, args);
    }

    /** The real statement: with the team in front for a plain execution, else after sending the team on its own. */
    private void open(boolean withTeam) throws Throwable {
        var carry = withTeam ? setting.carry() : null;
        if (carry != null) {
            real = connection.prepareStatement(carry.prefix() + ";\n" + sql);
            team = carry.team();
            real.setString(1, team);
            setting.carried();
        } else {
            setting.enterNow();
            real = connection.prepareStatement(sql);
        }
        for (var call : recorded) apply(call.method(), call.args());
        recorded.clear();
    }

    /** A call on the real statement; with the team in front, parameters move up by one and the team's stays. */
    private Object apply(Method method, Object[] args) throws Throwable {
        if (team != null && isParameter(method)) {
            args = args.clone();
            args[0] = (int) args[0] + 1;
        }
        var result = call(method, args);
        if (team != null && method.getName().equals("clearParameters")) real.setString(1, team);
        return result;
    }

    /** The statement's own answer, past the {@code set_config} row, with the meaning the execution method has. */
    private Object executeAfterTeam(String name) throws SQLException {
        real.execute();
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

    /** A fetch size: rows in parts need a transaction's open portal (pgjdbc fetches all at once in autocommit). */
    private static boolean fetchesInParts(Method method, Object[] args) {
        return method.getName().equals("setFetchSize") && (int) args[0] > 0;
    }

    /** A parameter's value: PreparedStatement's setters, whose first argument is the parameter's index. */
    private static boolean isParameter(Method method) {
        return method.getDeclaringClass() == PreparedStatement.class && method.getName().startsWith("set")
                && method.getParameterCount() > 0 && method.getParameterTypes()[0] == int.class;
    }

    /** Recorded until the statement opens: statement-wide settings (fetch size, timeout, ...) and clearings. */
    private static boolean isSetting(Method method) {
        return method.getDeclaringClass() == java.sql.Statement.class && method.getName().startsWith("set")
                || method.getName().equals("clearWarnings") || method.getName().equals("clearParameters");
    }
}
