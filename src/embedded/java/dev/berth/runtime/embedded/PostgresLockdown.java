package dev.berth.runtime.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Turns zonky's trust-everyone PostgreSQL into one that asks every client for the password. */
final class PostgresLockdown {
    private static final String HBA = """
            # Written by Berth: the embedded PostgreSQL asks every client for the password (data dir: postgres-password).
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;

    private PostgresLockdown() {}

    /** True while pg_hba.conf still lets clients in without a password (a fresh initdb, or a data dir from before). */
    static boolean trusts(Path pgData) throws IOException {
        return Files.readAllLines(pgData.resolve("pg_hba.conf")).stream()
                .map(String::strip)
                .anyMatch(line -> !line.startsWith("#") && line.matches(".*\\btrust\\b.*"));
    }

    /** The password is generated hex (checked here), so it can be a literal: ALTER ROLE takes no parameters. */
    static void setPassword(DataSource trusted, String password) throws IOException {
        if (!password.matches("[0-9a-f]{64}")) throw new IllegalStateException("the generated password must be 64 hex characters");
        try (var connection = trusted.getConnection(); var statement = connection.createStatement()) {
            statement.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
        } catch (SQLException e) {
            throw new IOException("cannot set the embedded database's password", e);
        }
    }

    static void requirePasswords(Path pgData) throws IOException {
        Files.writeString(pgData.resolve("pg_hba.conf"), HBA);
    }
}
