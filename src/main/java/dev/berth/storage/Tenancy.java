package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * Sets the team of the current transaction for row-level security. Services call {@link #enter} first in
 * every transaction that touches tenant-owned tables; the setting ends with the transaction.
 */
@Singleton
public final class Tenancy {
    private final JdbcOperations jdbc;

    Tenancy(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** @param teamId the team whose rows this transaction may see; null for none */
    public void enter(@Nullable UUID teamId) {
        jdbc.prepareStatement("SELECT set_config('berth.team_id', ?, true)", statement -> {
            statement.setString(1, teamId == null ? "" : teamId.toString());
            statement.execute();
            return null;
        });
    }
}
