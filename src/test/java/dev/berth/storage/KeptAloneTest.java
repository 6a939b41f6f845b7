package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * What {@link TeamConnection} asks of the driver when a write's statements were all kept (a create): they go in
 * autocommit, without {@code BEGIN} and {@code COMMIT}, as the implicit transaction PostgreSQL makes of one round trip;
 * once anything else was sent, or the transaction is not the plain read-committed write, they go with a {@code COMMIT}
 * as before. Against a recording driver: the real one's answers to both shapes are {@code CommitTailTest}'s.
 */
class KeptAloneTest {
    private static final String TEAM = "0196b2a4-0000-7000-8000-000000000001";

    /** The driver's side: the calls made to it, in order, and the transaction state it reports. */
    private static final class Driver {
        final List<String> calls = new ArrayList<>();
        TransactionState state = TransactionState.IDLE;

        Connection connection() {
            var base = (BaseConnection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BaseConnection.class},
                    (proxy, method, args) -> method.getName().equals("getTransactionState") ? state : null);
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "unwrap" -> { return base; }
                    case "isReadOnly", "getAutoCommit" -> { return false; }
                    case "prepareStatement" -> {
                        calls.add("prepare " + args[0]);
                        return statement();
                    }
                    default -> {
                        calls.add(method.getName() + (args == null ? "" : " " + args[0]));
                        return null;
                    }
                }
            });
        }

        private PreparedStatement statement() {
            return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "execute" -> {
                            calls.add("execute");
                            yield true;
                        }
                        case "getMoreResults" -> false;
                        default -> null;
                    });
        }
    }

    /** A write in {@link #TEAM} that keeps one insert, at {@code isolation}; {@code before} runs after the team is entered. */
    private static Driver commit(int isolation, java.util.function.Consumer<Driver> before) throws Exception {
        var driver = new Driver();
        var registry = new SimpleMeterRegistry();
        var connection = TeamConnection.of(driver.connection(), registry.counter("s"), registry.counter("c"), Connection.TRANSACTION_READ_COMMITTED);
        connection.setTransactionIsolation(isolation);
        connection.setAutoCommit(false);
        var setting = connection.unwrap(TeamSetting.class);
        setting.enterWithNextStatement(TEAM);
        before.accept(driver);
        setting.atCommit(CommitTail.of("INSERT INTO t (id) VALUES (?)", s -> s.setInt(1, 7), null, ignored -> {}, null, false));
        driver.calls.clear();
        connection.commit();
        return driver;
    }

    @Test
    void keptStatementsThatAreTheWholeWriteGoAloneInAutocommit() throws Exception {
        var driver = commit(Connection.TRANSACTION_READ_COMMITTED, d -> {});
        assertThat(driver.calls).containsExactly(
                "setAutoCommit true",
                "prepare " + TeamStatement.SET_TEAM + ";\nINSERT INTO t (id) VALUES (?)",
                "execute",
                "setAutoCommit false",
                "commit"); // pgjdbc sends nothing: no transaction is open
    }

    @Test
    void afterAnythingSentOrAtAnotherLevelTheyGoWithTheCommit() throws Exception {
        var sent = commit(Connection.TRANSACTION_READ_COMMITTED, d -> d.state = TransactionState.OPEN);
        var serializable = commit(Connection.TRANSACTION_SERIALIZABLE, d -> {});
        for (var driver : List.of(sent, serializable)) {
            assertThat(driver.calls).doesNotContain("setAutoCommit true");
            assertThat(driver.calls).contains("prepare " + TeamStatement.SET_TEAM + ";\nINSERT INTO t (id) VALUES (?)\n;\nCOMMIT");
        }
    }
}
