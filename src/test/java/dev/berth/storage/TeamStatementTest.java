package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.StatementCounts;
import dev.berth.testing.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The team a transaction enters travels with its next statement ({@link TeamStatement}): whatever way the statement
 * is then used (a query, an update, a plain execute, a batch, re-executed, its parameters cleared, entered again
 * before it runs, a savepoint rolled back), it runs in the team last entered, sees its answer and not the team's
 * {@code set_config} row, and costs one round trip with it.
 */
@MicronautTest(transactional = false)
class TeamStatementTest extends BerthTestBase {
    @Inject
    TransactionOperations<Connection> transactions;

    @Inject
    Tenancy tenancy;

    @Inject
    MeterRegistry meters;

    private UUID a;
    private UUID b;
    private List<UUID> projectsOfA;

    @BeforeEach
    void twoTeams() {
        var userA = TestUsers.signUp(server.getURI());
        var userB = TestUsers.signUp(server.getURI());
        a = UUID.fromString(userA.teamId());
        b = UUID.fromString(userB.teamId());
        projectsOfA = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            var created = userA.http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", uniqueName("a")));
            projectsOfA.add(UUID.fromString(created.at("/createProject/project/id").asText()));
        }
        userB.http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", uniqueName("b")));
    }

    private static Throwable root(Throwable e) {
        var current = e;
        while (current.getCause() != null) current = current.getCause();
        return current;
    }

    private interface Column<T> {
        T read(java.sql.ResultSet rows) throws SQLException;
    }

    /** The statement's first row, read. */
    private static <T> T first(PreparedStatement statement, Column<T> column) throws SQLException {
        try (var rows = statement.executeQuery()) {
            rows.next();
            return column.read(rows);
        }
    }

    private static long count(PreparedStatement statement) throws SQLException {
        return first(statement, rows -> rows.getLong(1));
    }

    @Test
    void aQueryAfterEnteringRunsInTheTeamInOneRoundTrip() {
        double statements = StatementCounts.statements(meters, () -> {
            long seen = transactions.executeRead(status -> {
                tenancy.enter(a);
                try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM projects WHERE team_id = ? AND name <> ?")) {
                    statement.setObject(1, a);
                    statement.setString(2, "nothing is called this");
                    return count(statement);
                }
            });
            assertThat(seen).isEqualTo(2);
        });
        assertThat(statements).isEqualTo(1.0);
        long seenByB = transactions.executeRead(status -> {
            tenancy.enter(b);
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM projects WHERE team_id = ?")) {
                statement.setObject(1, a);
                return count(statement);
            }
        });
        assertThat(seenByB).as("team b's transaction cannot see a's projects").isZero();
    }

    @Test
    void updatesAndPlainExecutionsAnswerWithTheStatementsOwnResult() {
        var first = projectsOfA.get(0);
        int updated = transactions.executeWrite(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("UPDATE projects SET description = ? WHERE id = ?")) {
                statement.setString(1, "changed");
                statement.setObject(2, first);
                return statement.executeUpdate();
            }
        });
        assertThat(updated).isEqualTo(1);
        int updatedByB = transactions.executeWrite(status -> {
            tenancy.enter(b);
            try (var statement = status.getConnection().prepareStatement("UPDATE projects SET description = 'b was here' WHERE id = ?")) {
                statement.setObject(1, first);
                return statement.executeUpdate();
            }
        });
        assertThat(updatedByB).as("another team's row is not updated").isZero();
        var executed = transactions.executeRead(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("SELECT description FROM projects WHERE id = ?")) {
                statement.setObject(1, first);
                boolean resultSet = statement.execute();
                try (var rows = statement.getResultSet()) {
                    rows.next();
                    return resultSet + ":" + rows.getString(1) + ":" + statement.getUpdateCount();
                }
            }
        });
        assertThat(executed).isEqualTo("true:changed:-1");
        var plainUpdate = transactions.executeWrite(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("UPDATE projects SET description = NULL WHERE team_id = ?")) {
                statement.setObject(1, a);
                boolean resultSet = statement.execute();
                return resultSet + ":" + statement.getUpdateCount();
            }
        });
        assertThat(plainUpdate).isEqualTo("false:2");
    }

    @Test
    void theWrongExecutionMethodIsRefusedAsTheDriverRefusesIt() {
        assertThatThrownBy(() -> transactions.executeRead(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("SELECT 1")) {
                return statement.executeUpdate();
            }
        })).satisfies(e -> assertThat(root(e)).isInstanceOf(SQLException.class).hasMessageContaining("A result was returned"));
        assertThatThrownBy(() -> transactions.executeWrite(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("UPDATE projects SET description = NULL WHERE id = ?")) {
                statement.setObject(1, UUID.randomUUID());
                return statement.executeQuery();
            }
        })).satisfies(e -> assertThat(root(e)).isInstanceOf(SQLException.class).hasMessageContaining("No results"));
    }

    @Test
    void aStatementRunsInTheTeamLastEnteredBeforeItRuns() {
        long seen = transactions.executeRead(status -> {
            tenancy.enter(b);
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM projects")) {
                tenancy.enter(a);
                return count(statement);
            }
        });
        assertThat(seen).isEqualTo(2);
        long afterLeaving = transactions.executeRead(status -> {
            tenancy.enter(a);
            tenancy.enter(null);
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM projects")) {
                return count(statement);
            }
        });
        assertThat(afterLeaving).as("entering no team after a sees nothing").isZero();
    }

    @Test
    void reExecutedClearedAndConfiguredStatementsKeepTheirParameters() {
        var names = transactions.executeRead(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM projects WHERE id = ? OR id = ?")) {
                statement.setFetchSize(10);
                statement.setQueryTimeout(5);
                statement.clearParameters();
                statement.setObject(1, projectsOfA.get(0));
                statement.setObject(2, UUID.randomUUID());
                long one = count(statement);
                statement.clearParameters();
                statement.setObject(1, projectsOfA.get(0));
                statement.setObject(2, projectsOfA.get(1));
                long two = count(statement);
                return one + "," + two + "," + statement.getQueryTimeout();
            }
        });
        assertThat(names).isEqualTo("1,2,5");
    }

    @Test
    void aBatchRunsInTheTeam() {
        var counts = transactions.executeWrite(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("UPDATE projects SET description = ? WHERE id = ?")) {
                for (var project : List.of(projectsOfA.get(0), projectsOfA.get(1), UUID.randomUUID())) {
                    statement.setString(1, "batched");
                    statement.setObject(2, project);
                    statement.addBatch();
                }
                return statement.executeBatch();
            }
        });
        assertThat(counts).containsExactly(1, 1, 0);
    }

    @Test
    void whatWasEnteredEndsWithItsTransactionOrItsSavepoint() {
        transactions.executeRead(status -> {
            tenancy.enter(a);
            return null; // no statement: the team was never sent
        });
        long nextTransaction = transactions.executeRead(status -> {
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM projects")) {
                return count(statement);
            }
        });
        assertThat(nextTransaction).isZero();
        long afterSavepoint = transactions.executeWrite(status -> {
            var connection = status.getConnection();
            tenancy.enter(a);
            var savepoint = connection.setSavepoint();
            tenancy.enter(b);
            connection.rollback(savepoint);
            try (var statement = connection.prepareStatement("SELECT count(*) FROM projects")) {
                return count(statement);
            }
        });
        assertThat(afterSavepoint).as("the team entered before the savepoint stays").isEqualTo(2);
    }

    @Test
    void aStatementClosedBeforeItRunsSendsNothing() throws Exception {
        var counter = meters.counter("berth.sql.statements");
        var pendingAfter = transactions.executeRead(status -> {
            tenancy.enter(a);
            var statement = status.getConnection().prepareStatement("SELECT 1");
            statement.close();
            assertThat(statement.isClosed()).isTrue();
            assertThatThrownBy(statement::executeQuery).isInstanceOf(SQLException.class);
            return status.getConnection().unwrap(TeamSetting.class).pendingTeam();
        });
        assertThat(pendingAfter).isEqualTo(a.toString());
        assertThat(counter.count()).isPositive();
    }

    @Test
    void aReadCarriesItsTeamWithEveryStatementAndStaysReadOnly() {
        double statements = StatementCounts.statements(meters, () -> {
            var seen = transactions.executeRead(status -> {
                tenancy.enter(a);
                var connection = status.getConnection();
                long first;
                try (var statement = connection.prepareStatement("SELECT count(*) FROM projects")) {
                    first = count(statement);
                }
                try (var statement = connection.prepareStatement("SELECT count(*) FROM projects WHERE id = ?")) {
                    statement.setObject(1, projectsOfA.get(1));
                    return first + "," + count(statement) + "," + connection.getAutoCommit() + "," + connection.isReadOnly();
                }
            });
            assertThat(seen).as("both statements in a's team; the transaction as asked for").isEqualTo("2,1,false,true");
        });
        assertThat(statements).as("two statements, nothing else").isEqualTo(2.0);
        assertThatThrownBy(() -> transactions.executeRead(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("UPDATE projects SET description = 'x' WHERE team_id = ?")) {
                statement.setObject(1, a);
                return statement.executeUpdate();
            }
        })).satisfies(e -> assertThat(root(e)).isInstanceOf(SQLException.class).hasMessageContaining("read-only transaction"));
        String plain = transactions.executeRead(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().createStatement(); var rows = statement.executeQuery("SELECT count(*), current_setting('transaction_read_only') FROM projects")) {
                rows.next();
                return rows.getLong(1) + ":" + rows.getString(2);
            }
        });
        assertThat(plain).as("a plain Statement turns the read into its read-only transaction").isEqualTo("2:on");
    }

    @Test
    void aLockHeldToTheEndOfARead_isHeldToItsEnd() throws Exception {
        long key = 7_000_000_000L + (long) (Math.random() * 1_000_000);
        var settings = getProperties();
        try (var observer = java.sql.DriverManager.getConnection(settings.get("berth.database.url"), settings.get("berth.database.username"),
                settings.get("berth.database.password"))) {
            var heldInside = transactions.executeRead(status -> {
                tenancy.enter(a);
                try (var statement = status.getConnection().prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    statement.setLong(1, key);
                    statement.executeQuery().close();
                }
                return held(observer, key);
            });
            assertThat(heldInside).as("held while the read runs").isTrue();
            assertThat(held(observer, key)).as("released when it ends").isFalse();
        }
    }

    private static boolean held(Connection observer, long key) throws SQLException {
        try (var statement = observer.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            statement.setLong(1, key);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return !rows.getBoolean(1);
            }
        }
    }

    /** Whether the statement runs in a transaction opened before it (in a read, each statement is its own). */
    private static boolean inEarlierTransaction(Connection connection) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT statement_timestamp() - now() > interval '3 milliseconds'")) {
            return first(statement, rows -> rows.getBoolean(1));
        }
    }

    @Test
    void aBinderAskingItsStatementsConnectionForAnArrayKeepsTheReadAsItIs() {
        double statements = StatementCounts.statements(meters, () -> {
            var seen = transactions.executeRead(status -> {
                tenancy.enter(a);
                var connection = status.getConnection();
                long count;
                try (var statement = connection.prepareStatement("SELECT count(*) FROM projects WHERE id = ANY (?)")) {
                    statement.setArray(1, statement.getConnection().createArrayOf("uuid", projectsOfA.toArray()));
                    count = count(statement);
                }
                Thread.sleep(5);
                return count + ":" + inEarlierTransaction(connection);
            });
            assertThat(seen).isEqualTo("2:false");
        });
        assertThat(statements).isEqualTo(2.0);
        var inWrite = transactions.executeWrite(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("SELECT 1")) {
                statement.executeQuery().close();
            }
            Thread.sleep(5);
            return inEarlierTransaction(status.getConnection());
        });
        assertThat(inWrite).as("a write is one transaction").isTrue();
    }

    /**
     * pgjdbc describes a statement it server-prepares (from its fifth use on a connection) when a parameter went
     * without a type (strings, with stringtype=unspecified), then sends a Sync before it when it follows another: in a
     * read that Sync would end the implicit transaction holding the team. Such a statement runs in the real read-only
     * transaction; one with typed parameters stays a read however often it runs.
     */
    private interface Binder {
        void bind(PreparedStatement statement, int round) throws SQLException;
    }

    /** The same statement on one connection eight times: each answer's row count and transaction_read_only. */
    private static void eightTimes(Connection connection, String where, Binder binder, List<String> answers) throws SQLException {
        for (int i = 0; i < 8; i++) {
            try (var statement = connection.prepareStatement("SELECT name, current_setting('transaction_read_only') FROM projects " + where)) {
                binder.bind(statement, i);
                try (var rows = statement.executeQuery()) {
                    int n = 0;
                    String readOnly = null;
                    while (rows.next()) {
                        n++;
                        readOnly = rows.getString(2);
                    }
                    answers.add(n + readOnly);
                }
            }
        }
    }

    @Test
    void statementsRunOftenKeepTheirTeamWhateverTheirParameters() {
        var seen = transactions.executeRead(status -> {
            tenancy.enter(a);
            var connection = status.getConnection();
            var answers = new ArrayList<String>();
            eightTimes(connection, "WHERE id <> ?", (statement, i) -> statement.setObject(1, UUID.randomUUID()), answers);
            Thread.sleep(5);
            answers.add("typed:" + inEarlierTransaction(connection));
            eightTimes(connection, "WHERE name <> ?", (statement, i) -> statement.setString(1, "nothing is called this " + i), answers);
            Thread.sleep(5);
            answers.add("untyped:" + inEarlierTransaction(connection));
            return answers;
        });
        var expected = new ArrayList<String>();
        for (int i = 0; i < 8; i++) expected.add("2on");
        expected.add("typed:false");
        for (int i = 0; i < 8; i++) expected.add("2on");
        expected.add("untyped:true");
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void aStatementRunAgainAfterTheTeamChangedRunsInTheNewTeam() {
        var counts = transactions.executeWrite(status -> {
            tenancy.enter(a);
            var connection = status.getConnection();
            try (var statement = connection.prepareStatement("SELECT count(*) FROM projects")) {
                assertThat(statement.getConnection()).isSameAs(connection);
                long first = count(statement);
                tenancy.enter(b);
                long second = count(statement);
                tenancy.enter(a);
                long third = count(statement);
                return first + "," + second + "," + third;
            }
        });
        assertThat(counts).isEqualTo("2,1,2");
        var plain = transactions.executeWrite(status -> {
            var connection = status.getConnection();
            try (var statement = connection.prepareStatement("SELECT count(*) FROM projects")) {
                tenancy.enter(a);
                return count(statement);
            }
        });
        assertThat(plain).as("prepared before the team was entered, run after").isEqualTo(2);
    }
}
