package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.sql.SQLException;
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

    /**
     * @param teamId the team whose rows this transaction may see; null for none. On Berth's pool the setting goes to
     *               PostgreSQL with the transaction's next statement, in its round trip ({@link TeamSetting}); a
     *               statement must therefore be prepared after the team is entered, as every caller does (prepared
     *               and run in one callback).
     */
    public void enter(@Nullable UUID teamId) {
        try {
            // every connection of Berth's pool is one (CountingDataSource); anything else fails here, never silently
            jdbc.getConnection().unwrap(TeamSetting.class).enterWithNextStatement(teamId == null ? "" : teamId.toString());
        } catch (SQLException e) {
            throw new DataAccessException("Could not enter the team: " + e.getMessage(), e);
        }
    }
}
