package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;

/**
 * What a connection of Berth's pool ({@link TeamConnection}) offers {@link Tenancy} and {@link TeamStatement}: the
 * team entered is remembered and goes to PostgreSQL with the next statement, in its round trip, instead of as a
 * statement of its own.
 */
interface TeamSetting {
    /** What a statement must run behind: {@code prefix} (one parameter) with {@code team} as its value. */
    record Carry(String prefix, String team) {}

    /** @param team the team's id as text; "" for none */
    void enterWithNextStatement(String team);

    /** What the next plain execution must carry, if anything. */
    @Nullable Carry carry();

    /** A statement carried it. */
    void carried();

    /**
     * Before a statement that cannot carry it: the team is sent on its own (a read becomes the real read-only
     * transaction it stood for); nothing if nothing is to be sent.
     */
    void enterNow();

    /** The team remembered and not yet sent in a transaction, or a read's (tests). */
    @Nullable String pendingTeam();
}
