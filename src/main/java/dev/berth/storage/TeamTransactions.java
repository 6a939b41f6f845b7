package dev.berth.storage;

import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.util.function.Supplier;

/**
 * The one helper that opens (or joins) a transaction and enters a viewer's team for row-level security, once,
 * when the transaction begins. Services use {@link InTeam} on their public methods; code that needs a short
 * transaction inside a longer operation (a read before an SSH command) calls this directly.
 */
@Singleton
public final class TeamTransactions {
    private final TransactionOperations<Connection> transactions;
    private final Tenancy tenancy;

    TeamTransactions(TransactionOperations<Connection> transactions, Tenancy tenancy) {
        this.transactions = transactions;
        this.tenancy = tenancy;
    }

    public <T> T read(TeamScoped viewer, Supplier<T> work) {
        return transactions.executeRead(status -> {
            if (status.isNewTransaction()) tenancy.enter(viewer.teamId());
            return work.get();
        });
    }

    public <T> T write(TeamScoped viewer, Supplier<T> work) {
        return transactions.executeWrite(status -> {
            if (status.isNewTransaction()) tenancy.enter(viewer.teamId());
            return work.get();
        });
    }
}
