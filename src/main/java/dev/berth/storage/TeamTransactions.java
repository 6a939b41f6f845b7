package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.TransactionStatus;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
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
    private record Entered(Connection connection, @Nullable UUID teamId, boolean writable) {}

    private static final ThreadLocal<Entered> ENTERED = new ThreadLocal<>();

    private final TransactionOperations<Connection> transactions;
    private final Tenancy tenancy;

    TeamTransactions(TransactionOperations<Connection> transactions, Tenancy tenancy) {
        this.transactions = transactions;
        this.tenancy = tenancy;
    }

    public <T> T read(TeamScoped viewer, Supplier<T> work) {
        if (joins(viewer, false)) return work.get();
        return transactions.executeRead(status -> inTeam(status, viewer.teamId(), work, false));
    }

    /**
     * A statement kept for the commit ({@link Statements#kept}) that failed, wherever it ran (at the commit itself, or
     * before a later statement), fails the call with what its failure means (a CONFLICT), not as the database said it.
     */
    public <T> T write(TeamScoped viewer, Supplier<T> work) {
        if (joins(viewer, true)) return work.get();
        try {
            return transactions.executeWrite(status -> inTeam(status, viewer.teamId(), work, true));
        } catch (RuntimeException e) {
            var meaning = CommitTail.meaningOf(e);
            if (meaning != null && meaning != e) throw meaning;
            throw e;
        }
    }

    /**
     * Whether the call runs inside the transaction this thread already has open in the same team (a query's resolvers
     * inside its one read transaction, a mutation's service calls inside its write): then it simply joins, without a
     * second pass through the transaction manager (a seventh of a list query's CPU). A call for another team, one that
     * needs to write in a read transaction, or one inside a transaction opened past this class goes the long way.
     */
    private boolean joins(TeamScoped viewer, boolean write) {
        var entered = ENTERED.get();
        if (entered == null || (write && !entered.writable()) || !Objects.equals(entered.teamId(), viewer.teamId())) return false;
        var current = transactions.findTransactionStatus().orElse(null);
        return current != null && current.getConnection() == entered.connection() && !current.isCompleted() && !current.isRollbackOnly();
    }

    /**
     * From here on the current transaction acts in {@code teamId}: a no-op when it already does (an audit row written
     * in the team the mutation ran in), else a {@code set_config}.
     */
    public void actIn(@Nullable UUID teamId) {
        var entered = ENTERED.get();
        var current = transactions.findTransactionStatus().orElse(null);
        boolean ours = entered != null && current != null && current.getConnection() == entered.connection();
        if (ours && Objects.equals(entered.teamId(), teamId)) return;
        tenancy.enter(teamId);
        if (ours) ENTERED.set(new Entered(entered.connection(), teamId, entered.writable()));
    }

    private <T> T inTeam(TransactionStatus<Connection> status, @Nullable UUID teamId, Supplier<T> work, boolean write) {
        var previous = ENTERED.get();
        var connection = status.getConnection();
        boolean sameConnection = previous != null && previous.connection() == connection && !status.isNewTransaction();
        if (sameConnection && Objects.equals(previous.teamId(), teamId)) return work.get();
        tenancy.enter(teamId);
        ENTERED.set(new Entered(connection, teamId, write && !status.getTransactionDefinition().isReadOnly().orElse(false)));
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            // a kept write failed earlier, its caller went on, and what failed now is the aborted transaction: the
            // kept write's failure is what happened (read before leaving: leaving may run writes kept since)
            var meaning = e instanceof RuntimeException && CommitTail.meaningOf(e) == null
                    && UniqueViolation.inChain(e, "25P02") ? keptMeaning(connection) : null;
            leave(previous, sameConnection, e);
            if (meaning != null) {
                meaning.addSuppressed(e);
                throw meaning;
            }
            throw e;
        }
        leave(previous, sameConnection, null);
        return result;
    }

    /** What the failure of a statement kept on {@code connection} means, when one failed before and said so. */
    private static @Nullable RuntimeException keptMeaning(Connection connection) {
        try {
            return connection.isWrapperFor(TeamSetting.class) ? CommitTail.meaningOf(connection.unwrap(TeamSetting.class).keptFailure()) : null;
        } catch (SQLException e) {
            return null;
        }
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
