package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import java.sql.SQLException;

/**
 * What a connection of Berth's pool ({@link TeamConnection}) offers {@link Tenancy} and {@link TeamStatement}: the
 * team entered goes to PostgreSQL in the round trip of a statement instead of as a statement of its own.
 */
interface TeamSetting {
    /** @param team the team's id as text; "" for none */
    void enterWithNextStatement(String team);

    /** What a statement opening now must run behind, if anything: a statement whose one parameter is the team. */
    @Nullable String carry();

    /** A statement carried the team. */
    void carried();

    /** The team in force now ("" for none): what a statement carrying it sends, again at each execution. */
    String current();

    /**
     * Before a statement that cannot carry it: the team is sent on its own (a read becomes the real read-only
     * transaction it stood for); nothing if nothing is to be sent.
     */
    void enterNow();

    /**
     * A read's statement whose answer pgjdbc may have to read before sending it (see {@link TeamStatement}): the read
     * becomes the real read-only transaction it stood for, and the team goes with that statement.
     */
    void keepInOneTransaction();

    /** The team entered and not yet sent in a transaction, or a read's (tests). */
    @Nullable String pendingTeam();

    /**
     * The transaction's last statement (see {@link Statements#atCommit}): kept to go with the {@code COMMIT}, run first
     * by anything else the transaction does with the connection; at once when no transaction is open.
     */
    void atCommit(CommitTail<?> tail) throws SQLException;

    /** Runs the statements kept so far, if any (a statement prepared before them is about to execute). */
    void runKept();

    /** The failure of statements kept in this transaction that ran before its commit, if they failed; else null. */
    @Nullable SQLException keptFailure();
}
