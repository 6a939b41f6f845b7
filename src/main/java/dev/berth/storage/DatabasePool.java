package dev.berth.storage;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Owns the Hikari pool so that it is closed exactly once, on context shutdown. The job engine polls through the
 * pool itself, outside the statement counter, so background polling never shows in a request's figures.
 */
public record DatabasePool(HikariDataSource hikari) implements AutoCloseable {
    @Override
    public void close() {
        hikari.close();
    }
}
