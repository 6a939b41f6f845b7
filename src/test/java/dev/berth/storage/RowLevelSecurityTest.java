package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestUsers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The backstop: Berth's own connections (role berth_runtime) see a tenant-owned row only in a transaction that
 * set its team. A query that forgets the team filter finds nothing, or only that team's rows.
 */
// Calls beans directly: without its own transaction around each test, their writes commit as in production.
@MicronautTest(transactional = false)
class RowLevelSecurityTest extends BerthTestBase {
    @Inject
    TransactionOperations<Connection> transactions;

    @Inject
    Tenancy tenancy;

    private long countProjects(UUID team) {
        return transactions.executeRead(status -> {
            if (team != null) tenancy.enter(team);
            try (var statement = status.getConnection().createStatement();
                 var rows = statement.executeQuery("SELECT count(*) FROM projects")) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    @Test
    void aQueryWithoutTeamFilterSeesOnlyTheTransactionsTeam() {
        var a = TestUsers.signUp(server.getURI());
        var b = TestUsers.signUp(server.getURI());
        for (int i = 0; i < 2; i++) {
            a.http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", uniqueName("a")));
        }
        b.http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", uniqueName("b")));
        assertThat(countProjects(null)).isZero();
        assertThat(countProjects(UUID.fromString(a.teamId()))).isEqualTo(2);
        assertThat(countProjects(UUID.fromString(b.teamId()))).isEqualTo(1);
    }

    @Test
    void aRowOfAnotherTeamCannotBeWritten() {
        var a = TestUsers.signUp(server.getURI());
        var b = TestUsers.signUp(server.getURI());
        assertThatThrownBy(() -> transactions.executeWrite(status -> {
            tenancy.enter(UUID.fromString(a.teamId()));
            try (var statement = status.getConnection().prepareStatement(
                    "INSERT INTO projects (id, team_id, name) VALUES (?, ?, 'smuggled')")) {
                statement.setObject(1, Ids.next());
                statement.setObject(2, UUID.fromString(b.teamId()));
                return statement.executeUpdate();
            }
        })).isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
    }

    @Test
    void runtimeConnectionsAreNotTheOwner() {
        var role = transactions.executeRead(status -> {
            try (var rows = status.getConnection().createStatement().executeQuery("SELECT current_user, (SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user)")) {
                rows.next();
                return rows.getString(1) + ":" + rows.getBoolean(2);
            }
        });
        assertThat(role).isEqualTo("berth_runtime:false");
    }
}
