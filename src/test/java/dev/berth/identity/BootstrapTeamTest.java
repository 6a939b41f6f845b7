package dev.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap team is made once the node is ready, or by the first sign-up that comes sooner: then inside that
 * sign-up's transaction, and it must outlive a rollback of it (the id kept would otherwise name no team).
 */
@MicronautTest
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class BootstrapTeamTest extends BerthTestBase {
    @Inject
    BootstrapTeam running;

    @Inject
    TeamRepository teams;

    @Inject
    TransactionOperations<Connection> transactions;

    @Test
    @org.junit.jupiter.api.Order(1) // before anything here asks for it
    void theNodeMakesItOnceReady() throws Exception {
        var made = BootstrapTeam.class.getDeclaredField("id");
        made.setAccessible(true);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (made.get(running) == null && System.nanoTime() < deadline) Thread.sleep(50); // the gate opens within 1 s
        assertThat(made.get(running)).as("made by the node, nobody asked").isNotNull();
        assertThat(teams.findBySlug(BootstrapTeam.SLUG)).hasValueSatisfying(team -> assertThat(team.id()).isEqualTo(running.id()));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void aTeamMadeInsideATransactionThatRollsBackStillExists() throws SQLException {
        var kept = running.id(); // the node's own: settled, so it makes nothing while the slug is away
        var away = "default-away-" + UUID.randomUUID().toString().substring(0, 8);
        sql("UPDATE teams SET slug = ? WHERE slug = ?", away, BootstrapTeam.SLUG);
        try {
            var fresh = new BootstrapTeam(teams, transactions); // a node that has not made it yet
            var inside = new UUID[1];
            transactions.executeWrite(status -> {
                inside[0] = fresh.id();
                status.setRollbackOnly(); // the first sign-up failed
                return null;
            });
            var made = inside[0];
            assertThat(made).isNotEqualTo(kept);
            assertThat(teams.findBySlug(BootstrapTeam.SLUG)).as("committed on its own").hasValueSatisfying(team -> assertThat(team.id()).isEqualTo(inside[0]));
            assertThat(fresh.id()).as("kept").isEqualTo(made);
        } finally { // whatever was made under the slug while the node's team was away goes, and the node's comes back
            sql("DELETE FROM teams WHERE slug = ?", BootstrapTeam.SLUG);
            sql("UPDATE teams SET slug = ? WHERE slug = ?", BootstrapTeam.SLUG, away);
        }
        assertThat(teams.findBySlug(BootstrapTeam.SLUG)).hasValueSatisfying(team -> assertThat(team.id()).isEqualTo(kept));
    }

    private void sql(String statement, String... values) throws SQLException {
        var settings = getProperties();
        try (var connection = DriverManager.getConnection(settings.get("berth.database.url"), settings.get("berth.database.username"), settings.get("berth.database.password"));
             var update = connection.prepareStatement(statement.replace("id = ?", "id = ?::uuid"))) {
            for (int i = 0; i < values.length; i++) update.setString(i + 1, values[i]);
            update.executeUpdate();
        }
    }
}
