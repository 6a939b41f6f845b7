package dev.berth.storage;

import io.micrometer.core.instrument.Counter;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Counts the statements Berth prepares ({@code berth.sql.statements}: one per round trip we make, a batch being
 * one) by watching the connection alone. It replaced a proxy of every statement and result set, which cost about
 * a twentieth of a small query's CPU in reflection; a connection sees a handful of calls per request. Each connection
 * also carries the team {@link Tenancy} enters with its statements ({@link TeamConnection}).
 */
final class CountingDataSource implements DataSource {
    private final DataSource pool;
    private final Counter statements;
    private final Counter withCommit;
    private volatile Integer defaultIsolation;

    CountingDataSource(DataSource pool, Counter statements, Counter withCommit) {
        this.withCommit = withCommit;
        this.pool = pool;
        this.statements = statements;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return counted(pool.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return counted(pool.getConnection(username, password));
    }

    private Connection counted(Connection connection) throws SQLException {
        var isolation = defaultIsolation;
        if (isolation == null) {
            try {
                defaultIsolation = isolation = connection.getTransactionIsolation(); // once: a round trip
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
        return TeamConnection.of(connection, statements, withCommit, isolation);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
