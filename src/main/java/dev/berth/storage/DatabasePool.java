package dev.berth.storage;

import com.zaxxer.hikari.HikariDataSource;

/** Owns the Hikari pool so that it is closed exactly once, on context shutdown. */
record DatabasePool(HikariDataSource hikari) implements AutoCloseable {
    @Override
    public void close() {
        hikari.close();
    }
}
