package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestUsers;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * A transaction's last statement ({@link Statements#atCommit}, a mutation's audit row) goes with the COMMIT, in its
 * round trip: answered only then, with the transaction already committed; run first, in its place and in its team, by
 * whatever the transaction does next; dropped by a rollback; its failure is the commit's, and nothing is committed.
 */
@MicronautTest(transactional = false)
class CommitTailTest extends BerthTestBase {
    private static final String INSERT = "INSERT INTO audit_events (id, team_id, action) VALUES (?, ?, 'commit-tail-test') RETURNING true";

    @Inject
    TransactionOperations<Connection> transactions;

    @Inject
    JdbcOperations jdbc;

    @Inject
    Tenancy tenancy;

    @Inject
    TeamTransactions teams;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    private UUID a;
    private UUID b;

    @Override
    protected java.util.Map<String, String> overrides() {
        return java.util.Map.of("berth.jobs.enabled", "false"); // statements counted: no job engine polling beside them
    }

    @BeforeEach
    void twoTeams() {
        a = UUID.fromString(TestUsers.signUp(server.getURI()).teamId());
        b = UUID.fromString(TestUsers.signUp(server.getURI()).teamId());
    }

    /** What the answer saw: the transaction's state on the driver when it came (IDLE: already committed). */
    private record Answer(Boolean row, TransactionState state) {}

    private void keep(Connection connection, UUID id, UUID team, List<Answer> answers) {
        Statements.atCommit(jdbc, INSERT, statement -> {
            statement.setObject(1, id);
            statement.setObject(2, team);
        }, rows -> rows.getBoolean(1), true, row -> {
            try {
                answers.add(new Answer(row, connection.unwrap(BaseConnection.class).getTransactionState()));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A first statement: the transaction is open, in its team, before what the test keeps. */
    private static void begin(Connection connection) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT 1")) {
            statement.executeQuery().close();
        }
    }

    private long rows(UUID team, UUID id) {
        return transactions.executeRead(status -> {
            tenancy.enter(team);
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM audit_events WHERE id = ?")) {
                statement.setObject(1, id);
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    @Test
    void theLastStatementGoesWithTheCommitAndIsAnsweredOnceCommitted() {
        var id = Ids.next();
        var answers = new ArrayList<Answer>();
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            begin(status.getConnection()); // the transaction has begun, in its team
            keep(status.getConnection(), id, a, answers);
            assertThat(answers).as("kept until the commit").isEmpty();
            return null;
        });
        assertThat(answers).containsExactly(new Answer(true, TransactionState.IDLE));
        assertThat(rows(a, id)).isEqualTo(1);
    }

    @Test
    void whatTheTransactionDoesNextRunsItFirstInItsPlaceAndTeam() {
        var id = Ids.next();
        var answers = new ArrayList<Answer>();
        long seen = transactions.executeWrite(status -> {
            tenancy.enter(a);
            keep(status.getConnection(), id, a, answers); // the transaction's first statement: its team goes first
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM audit_events WHERE id = ?")) {
                statement.setObject(1, id);
                try (var rows = statement.executeQuery()) {
                    assertThat(answers).as("run before the statement that follows it").hasSize(1);
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
        assertThat(seen).isEqualTo(1);
        assertThat(answers).containsExactly(new Answer(true, TransactionState.OPEN));

        // another team entered after it: it runs first, in the team it was kept in (row-level security checks it)
        var second = Ids.next();
        answers.clear();
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            begin(status.getConnection());
            keep(status.getConnection(), second, a, answers);
            tenancy.enter(b);
            assertThat(answers).as("run before the team changed").hasSize(1);
            return null;
        });
        assertThat(rows(a, second)).isEqualTo(1);

        // a savepoint set after it: a rollback to the savepoint keeps it
        var third = Ids.next();
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            begin(status.getConnection());
            keep(status.getConnection(), third, a, new ArrayList<>());
            var savepoint = status.getConnection().setSavepoint();
            status.getConnection().rollback(savepoint);
            return null;
        });
        assertThat(rows(a, third)).isEqualTo(1);
    }

    @Test
    void aRollbackDropsItAndItsFailureIsTheCommits() {
        var id = Ids.next();
        var answers = new ArrayList<Answer>();
        assertThatThrownBy(() -> transactions.executeWrite(status -> {
            tenancy.enter(a);
            keep(status.getConnection(), id, a, answers);
            throw new IllegalStateException("the work failed");
        })).hasMessageContaining("the work failed");
        assertThat(answers).as("never run").isEmpty();
        assertThat(rows(a, id)).isZero();

        // kept after a savepoint, rolled back to it: gone with it
        var after = Ids.next();
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            begin(status.getConnection());
            var savepoint = status.getConnection().setSavepoint();
            keep(status.getConnection(), after, a, answers);
            status.getConnection().rollback(savepoint);
            return null;
        });
        assertThat(answers).isEmpty();
        assertThat(rows(a, after)).isZero();

        // it fails at the commit (the same id twice): the commit fails, and nothing of the transaction stays
        var taken = Ids.next();
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            keep(status.getConnection(), taken, a, new ArrayList<>());
            return null;
        });
        var before = Ids.next();
        assertThatThrownBy(() -> transactions.executeWrite(status -> {
            tenancy.enter(a);
            keep(status.getConnection(), before, a, new ArrayList<>()); // runs when the next one is kept
            keep(status.getConnection(), taken, a, answers);
            return null;
        })).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class).rootCause().hasMessageContaining("duplicate key");
        assertThat(answers).isEmpty();
        assertThat(rows(a, before)).as("nothing of the failed transaction").isZero();
        assertThat(rows(a, taken)).isEqualTo(1);

        // a row of another team than the transaction's (row-level security refuses it): the commit fails
        var foreign = Ids.next();
        assertThatThrownBy(() -> transactions.executeWrite(status -> {
            tenancy.enter(a);
            keep(status.getConnection(), foreign, b, new ArrayList<>());
            return null;
        })).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class).rootCause().hasMessageContaining("row-level security");
        assertThat(rows(b, foreign)).isZero();
    }

    /** It fails where run in its place and the caller swallows the error: the transaction cannot commit (silently rolled back). */
    @Test
    void aFailureRunInItsPlaceFailsTheCommitEvenWhenSwallowed() {
        var taken = Ids.next();
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            keep(status.getConnection(), taken, a, new ArrayList<>());
            return null;
        });
        var earlier = Ids.next();
        assertThatThrownBy(() -> transactions.executeWrite(status -> {
            tenancy.enter(a);
            keep(status.getConnection(), earlier, a, new ArrayList<>());
            keep(status.getConnection(), taken, a, new ArrayList<>());
            try (var statement = status.getConnection().prepareStatement("SELECT 1")) {
                statement.executeQuery().close();
            } catch (Exception swallowed) {
                // a caller that goes on as if nothing failed
            }
            return null;
        })).hasStackTraceContaining("A statement kept for the commit failed; nothing was committed");
        assertThat(rows(a, earlier)).isZero();
    }

    /** A new project and its audit row go with the COMMIT (counted apart), behind the team, in one round trip. */
    @Test
    void aMutationsAuditRowGoesWithItsCommit() {
        var create = "mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }";
        http().data(create, java.util.Map.of("n", uniqueName("warm"))); // the caller cached
        var cost = dev.berth.testing.StatementCounts.of(meters, () -> http().data(create, java.util.Map.of("n", uniqueName("carried"))));
        assertThat(cost.withCommit()).as("the project with its environment and the audit row, both with the COMMIT").isEqualTo(2);
        assertThat(cost.statements()).as("nothing else").isEqualTo(2);
    }

    private static final String KEPT = "INSERT INTO audit_events (id, team_id, action) VALUES (?, ?, 'kept-test')";

    /** A write kept for the commit whose duplicate id means a CONFLICT named after it. */
    private void kept(UUID id, UUID team) {
        kept(id, team, "audit_events_pkey");
    }

    /** One that claims a unique violation of {@code constraint} as its own. */
    private void kept(UUID id, UUID team, String constraint) {
        Statements.kept(jdbc, KEPT, statement -> {
            statement.setObject(1, id);
            statement.setObject(2, team);
        }, UniqueViolation.conflictOn(constraint, "taken: " + id));
    }

    /** An id already written in team a: a row kept with it fails (a unique violation of audit_events_pkey). */
    private UUID taken() {
        var id = Ids.next();
        teams.write(() -> a, () -> {
            kept(id, a);
            return null;
        });
        return id;
    }

    /** Keeps a row with a {@link #taken} id; a query then runs it and fails, and its caller swallows that and goes on. */
    private void keptThenSwallowed(UUID taken) {
        kept(taken, a);
        try {
            jdbc.prepareStatement("SELECT 1", statement -> statement.executeQuery().next());
        } catch (RuntimeException swallowed) {
            // a caller that goes on as if nothing failed
        }
    }

    @Test
    void keptWritesGoInOrderWithTheLastStatementAndTheCommitBehindTheTeam() {
        var first = Ids.next();
        var second = Ids.next();
        var last = Ids.next();
        var answers = new ArrayList<Answer>();
        var sentBefore = new ArrayList<TransactionState>();
        transactions.executeWrite(status -> {
            var driver = status.getConnection().unwrap(BaseConnection.class); // before the team: it sends nothing
            tenancy.enter(a);
            kept(first, a); // the transaction's first statements: nothing is sent yet, not even its BEGIN
            kept(second, a);
            keep(status.getConnection(), last, a, answers);
            sentBefore.add(driver.getTransactionState());
            return null;
        });
        assertThat(sentBefore).as("nothing sent before the commit").containsExactly(TransactionState.IDLE);
        assertThat(answers).containsExactly(new Answer(true, TransactionState.IDLE));
        assertThat(List.of(rows(a, first), rows(a, second), rows(a, last))).containsExactly(1L, 1L, 1L);

        // a read before the commit runs them first, in their team (row-level security would refuse another), and sees them
        var third = Ids.next();
        long seen = transactions.executeWrite(status -> {
            tenancy.enter(a);
            kept(third, a);
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM audit_events WHERE id = ?")) {
                statement.setObject(1, third);
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
        assertThat(seen).isEqualTo(1);
    }

    @Test
    void aKeptWritesFailureIsItsMeaningWhereverItRanAndNothingStays() {
        var taken = taken();
        TeamScoped viewer = () -> a;
        // at the commit, behind another kept write and before the last statement: the commit fails with its meaning
        var before = Ids.next();
        var after = Ids.next();
        var answers = new ArrayList<Answer>();
        assertThatThrownBy(() -> teams.write(viewer, () -> {
            kept(before, a, "another_constraint"); // PostgreSQL does not say which kept write failed: the constraint does
            kept(taken, a);
            keep(jdbc.getConnection(), after, a, answers);
            return null;
        })).isInstanceOf(dev.berth.errors.ConflictException.class).hasMessage("taken: " + taken);
        assertThat(answers).isEmpty();
        assertThat(List.of(rows(a, before), rows(a, after))).as("nothing of the failed transaction").containsExactly(0L, 0L);

        // run in its place by a later statement whose caller swallows the error: the commit still fails, with its meaning
        var earlier = Ids.next();
        assertThatThrownBy(() -> teams.write(viewer, () -> {
            kept(earlier, a, "another_constraint");
            keptThenSwallowed(taken);
            return null;
        })).isInstanceOf(dev.berth.errors.ConflictException.class).hasMessage("taken: " + taken);
        assertThat(rows(a, earlier)).isZero();

        // a later write of its own that claims unique violations as its own conflict does not take the kept one's
        assertThatThrownBy(() -> teams.write(viewer, () -> {
            kept(taken, a);
            return UniqueViolation.orConflict(() -> jdbc.prepareStatement("SELECT 1", statement -> statement.executeQuery().next()), "not mine");
        })).isInstanceOf(dev.berth.errors.ConflictException.class).hasMessage("taken: " + taken);

        // a failure that is not its own (row-level security: another team's row) is not explained as a conflict
        assertThatThrownBy(() -> teams.write(viewer, () -> {
            kept(Ids.next(), b);
            return null;
        })).isNotInstanceOf(dev.berth.errors.ConflictException.class).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class)
                .rootCause().hasMessageContaining("row-level security");
    }

    @Test
    void keptWritesRunInTheOrderKeptWithTheirOwnParametersWhateverTheBinder() {
        var id = Ids.next();
        var later = Ids.next();
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            kept(id, a);
            // depends on the first: run before it, it would change nothing; its binder sets its parameters out of order
            Statements.kept(jdbc, "UPDATE audit_events SET action = ? WHERE id = ? -- a comment that must not swallow what follows", statement -> {
                statement.setObject(2, id);
                statement.setString(1, "kept-second");
            }, failure -> null);
            // no parameters at all, between two that have some
            Statements.kept(jdbc, "UPDATE audit_events SET resource_type = 'none' WHERE action = 'kept-second' AND resource_type IS NULL", statement -> {}, failure -> null);
            var values = new java.util.HashMap<String, Object>(java.util.Map.of("id", later));
            Statements.kept(jdbc, KEPT, statement -> {
                statement.setObject(1, values.get("id"));
                statement.setObject(2, a);
            }, failure -> null);
            values.put("id", Ids.next()); // bound when kept: a value changed afterwards is not what goes
            return null;
        });
        long[] seen = transactions.executeRead(status -> {
            tenancy.enter(a);
            try (var statement = status.getConnection().prepareStatement("SELECT action, resource_type FROM audit_events WHERE id = ?")) {
                statement.setObject(1, id);
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    assertThat(rows.getString(1)).isEqualTo("kept-second");
                    assertThat(rows.getString(2)).isEqualTo("none");
                }
            }
            return new long[] {rows(a, later)};
        });
        assertThat(seen).containsExactly(1L);
    }

    /** Keeps {@code sql}, bound by {@code binder}, in a transaction of team a that then commits. */
    private void keepInA(String sql, Statements.Binder binder) {
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            Statements.kept(jdbc, sql, binder, failure -> null);
            return null;
        });
    }

    @Test
    void aBinderThatMissesAParameterOrTextOfTwoStatementsIsRefusedWhenKept() {
        var sent = new ArrayList<Boolean>();
        assertThatThrownBy(() -> keepInA(KEPT, statement -> statement.setObject(2, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set 1 of its 2 parameters");
        assertThatThrownBy(() -> keepInA(KEPT, statement -> {
            statement.setObject(1, Ids.next());
            statement.setObject(3, a);
        })).hasMessageContaining("out of range");
        assertThatThrownBy(() -> keepInA("SELECT 1; SELECT 2", statement -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one statement");
        assertThatThrownBy(() -> keepInA(KEPT, statement -> {
            statement.setObject(1, Ids.next());
            statement.setObject(2, a);
            sent.add(statement.execute()); // a binder binds; it does not run anything
        })).isInstanceOf(UnsupportedOperationException.class);
        assertThat(sent).isEmpty();
    }

    @Test
    void aStatementPreparedBeforeAKeptWriteAndRunAfterItSeesIt() {
        for (boolean first : new boolean[] {true, false}) {
            assertThat(preparedBeforeKeptSees(first)).as(first ? "the transaction's first statement" : "a later statement").isEqualTo(1);
        }
    }

    private long preparedBeforeKeptSees(boolean first) {
        var id = Ids.next();
        return transactions.executeWrite(status -> {
            tenancy.enter(a);
            if (!first) begin(status.getConnection());
            try (var statement = status.getConnection().prepareStatement("SELECT count(*) FROM audit_events WHERE id = ?")) {
                statement.setObject(1, id);
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    assertThat(rows.getLong(1)).isZero();
                }
                kept(id, a);
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    @Test
    void aKeptFailureNeitherHidesAnUnrelatedErrorNorOutlivesARollbackToASavepoint() {
        var taken = taken();
        TeamScoped viewer = () -> a;
        // the work fails for a reason of its own after a swallowed kept failure: its own error is what the caller gets
        assertThatThrownBy(() -> teams.write(viewer, () -> {
            keptThenSwallowed(taken);
            throw new IllegalStateException("the work's own failure");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the work's own failure");

        // rolled back to a savepoint set before it: the transaction goes on and commits what it did before and after
        var before = Ids.next();
        var after = Ids.next();
        transactions.executeWrite(status -> {
            tenancy.enter(a);
            kept(before, a);
            var savepoint = status.getConnection().setSavepoint();
            kept(taken, a);
            try {
                jdbc.prepareStatement("SELECT 1", statement -> statement.executeQuery().next());
            } catch (RuntimeException expected) {
                status.getConnection().rollback(savepoint);
            }
            kept(after, a);
            return null;
        });
        assertThat(List.of(rows(a, before), rows(a, after))).containsExactly(1L, 1L);
    }

    @Test
    void aKeptStatementTakesItsValuesWhenKeptAndRefusesStreams() {
        assertThatThrownBy(() -> keepInA(KEPT, statement -> {
            statement.setObject(1, Ids.next());
            statement.setCharacterStream(2, new java.io.StringReader(a.toString()));
        })).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("setCharacterStream");
    }

    @Test
    void aKeptWriteThatFailedEarlyIsTheTransactionsFailureEvenWhenWhatFailsLaterSaysOtherwise() {
        var taken = taken();
        TeamScoped viewer = () -> a;
        // the kept write fails when a query runs it; the caller swallows that, and the next statement fails as the
        // aborted transaction's (25P02), saying nothing of the conflict: the conflict is what the caller gets
        assertThatThrownBy(() -> teams.write(viewer, () -> {
            keptThenSwallowed(taken);
            return jdbc.prepareStatement("SELECT 2", statement -> statement.executeQuery().next());
        })).isInstanceOf(dev.berth.errors.ConflictException.class).hasMessage("taken: " + taken);
    }

    @Test
    void inAReadItRunsAtOnce() {
        var id = Ids.next();
        var answers = new ArrayList<Answer>();
        // no transaction to end with it: it runs at once, and a read cannot write (it fails there, as alone)
        assertThatThrownBy(() -> transactions.executeRead(status -> {
            tenancy.enter(a);
            keep(status.getConnection(), id, a, answers);
            return null;
        })).isInstanceOf(io.micronaut.data.exceptions.DataAccessException.class).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class)
                .rootCause().hasMessageContaining("read-only");
        assertThat(answers).isEmpty();
        assertThat(rows(a, id)).isZero();
    }

    /**
     * A transaction of nothing but kept statements goes as one implicit transaction only when their answers are of fixed
     * width: before a statement answering text, once pgjdbc has prepared it on the server (after five runs on a
     * connection), it sends a Sync of its own, which would commit what came before and leave the rest without the team.
     * Such a statement, kept many times over on one connection (one thread), said to be of fixed width or not, always
     * runs whole and in its team.
     */
    @Test
    void keptStatementsAnsweringTextStayInOneTransactionInTheirTeamHoweverOftenTheyRun() {
        TeamScoped viewer = () -> a;
        for (boolean said : new boolean[] {false, true}) {
            var ids = new ArrayList<UUID>();
            var answers = new ArrayList<String>();
            for (int i = 0; i < 8; i++) {
                var first = Ids.next();
                var second = Ids.next();
                ids.add(first);
                ids.add(second);
                teams.write(viewer, () -> {
                    kept(first, a);
                    keepAnsweringText(second, said, answers);
                    return null;
                });
            }
            assertThat(answers).as("said fixed width: " + said).hasSize(8).containsOnly("commit-tail-test");
            assertThat(ids.stream().map(id -> rows(a, id)).distinct().toList()).containsExactly(1L);
            // a failure among them, after all those runs, still leaves nothing of its transaction
            var lost = Ids.next();
            var taken = taken();
            assertThatThrownBy(() -> teams.write(viewer, () -> {
                kept(lost, a);
                keepAnsweringText(taken, said, answers);
                return null;
            })).isNotNull();
            assertThat(rows(a, lost)).isZero();
        }
    }

    /** A row in team a kept with an answer of variable width (its action, text), said to be of fixed width or not. */
    private void keepAnsweringText(UUID id, boolean saidFixed, List<String> answers) {
        // the action a string: sent untyped (stringtype=unspecified), which is what makes pgjdbc describe the statement
        Statements.atCommit(jdbc, "INSERT INTO audit_events (id, team_id, action) VALUES (?, ?, ?) RETURNING action", statement -> {
            statement.setObject(1, id);
            statement.setObject(2, a);
            statement.setString(3, "commit-tail-test");
        }, rows -> rows.getString(1), saidFixed, answers::add);
    }
}
