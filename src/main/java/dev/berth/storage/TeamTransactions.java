package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.TransactionStatus;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The one helper that opens (or joins) a transaction and enters a viewer's team for row-level security. Services
 * use {@link InTeam} on their public methods; the GraphQL layer opens one read transaction per query request, which
 * every service call of the request then joins, so a request costs one transaction and one {@code set_config}.
 * <p>
 * The team is entered only when the connection is not already in it: joining a transaction of the same team costs
 * nothing; joining one of another team (a service acting for a different viewer inside a request) enters that
 * team for the duration of the call and returns to the previous one after it.
 */
@Singleton
public final class TeamTransactions {
    /** The team entered on a connection of this thread, by the innermost {@link #read}/{@link #write} call. */
    private record Entered(Connection connection, @Nullable UUID teamId) {}

    private static final ThreadLocal<Entered> ENTERED = new ThreadLocal<>();

    private final TransactionOperations<Connection> transactions;
    private final Tenancy tenancy;

    TeamTransactions(TransactionOperations<Connection> transactions, Tenancy tenancy) {
        this.transactions = transactions;
        this.tenancy = tenancy;
    }

    public <T> T read(TeamScoped viewer, Supplier<T> work) {
        return transactions.executeRead(status -> inTeam(status, viewer.teamId(), work));
    }

    public <T> T write(TeamScoped viewer, Supplier<T> work) {
        return transactions.executeWrite(status -> inTeam(status, viewer.teamId(), work));
    }

    private <T> T inTeam(TransactionStatus<Connection> status, @Nullable UUID teamId, Supplier<T> work) {
        var previous = ENTERED.get();
        var connection = status.getConnection();
        boolean sameConnection = previous != null && previous.connection() == connection && !status.isNewTransaction();
        if (sameConnection && Objects.equals(previous.teamId(), teamId)) return work.get();
        tenancy.enter(teamId);
        ENTERED.set(new Entered(connection, teamId));
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            leave(previous, sameConnection, e);
            throw e;
        }
        leave(previous, sameConnection, null);
        return result;
    }

    /** Back to the team the connection was in before the call (a new transaction's connection is simply done). */
    private void leave(@Nullable Entered previous, boolean sameConnection, @Nullable Throwable failure) {
        try {
            if (sameConnection) tenancy.enter(previous.teamId());
        } catch (RuntimeException e) {
            if (failure == null) throw e;
            failure.addSuppressed(e); // the transaction is aborted: it rolls back whole anyway
        } finally {
            if (previous == null) ENTERED.remove();
            else ENTERED.set(previous);
        }
    }
}
