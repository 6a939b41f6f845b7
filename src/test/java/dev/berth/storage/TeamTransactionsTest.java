package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.BerthTestBase;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A request's one transaction and the calls that join it: the same team is not entered again, another team is
 * entered for the call and left after it (also when the call fails), and a new transaction starts clean.
 */
@MicronautTest(transactional = false)
class TeamTransactionsTest extends BerthTestBase {
    @Inject
    TeamTransactions transactions;

    @Inject
    JdbcOperations jdbc;

    private record Team(UUID teamId) implements TeamScoped {}

    private String entered() {
        return jdbc.prepareStatement("SELECT current_setting('berth.team_id', true)", s -> {
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        });
    }

    @Test
    void aJoinedCallOfAnotherTeamEntersItAndReturns() {
        var a = new Team(UUID.randomUUID());
        var b = new Team(UUID.randomUUID());
        var seen = new ArrayList<String>();
        // a joined call that fails marks the whole transaction for rollback (as Micronaut does): the read-only request
        // transaction then ends in UnexpectedRollbackException, which GraphQLRunner absorbs (nothing was written)
        assertThatThrownBy(() -> transactions.read(a, () -> {
            seen.add(entered());
            transactions.read(a, () -> seen.add(entered()));
            transactions.read(b, () -> {
                seen.add(entered());
                return transactions.read(b, () -> seen.add(entered()));
            });
            seen.add(entered());
            assertThatThrownBy(() -> transactions.read(b, () -> {
                seen.add(entered());
                throw new IllegalStateException("a field failed");
            })).isInstanceOf(IllegalStateException.class);
            seen.add(entered());
            return null;
        })).isInstanceOf(io.micronaut.transaction.exceptions.UnexpectedRollbackException.class);
        var ta = a.teamId().toString();
        var tb = b.teamId().toString();
        assertThat(seen).containsExactly(ta, ta, tb, tb, ta, tb, ta);
    }

    @Test
    void aNewTransactionStartsInItsOwnTeam() {
        var a = new Team(UUID.randomUUID());
        var b = new Team(UUID.randomUUID());
        assertThat(transactions.read(a, this::entered)).isEqualTo(a.teamId().toString());
        assertThat(transactions.read(b, this::entered)).isEqualTo(b.teamId().toString());
        assertThat(transactions.write(new Team(null), this::entered)).isEmpty();
        assertThat(List.of(transactions.read(a, this::entered))).containsExactly(a.teamId().toString());
    }
}
