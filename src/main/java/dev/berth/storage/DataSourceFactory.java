package dev.berth.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.berth.runtime.DatabaseProperties;
import dev.berth.runtime.EmbeddedServers;
import dev.berth.runtime.EmbeddedServers.JdbcTarget;
import dev.berth.runtime.MissingServiceException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.flyway.FlywayConfigurationProperties;
import io.micronaut.flyway.FlywayMigrator;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * The one PostgreSQL pool: from {@code BERTH_DATABASE_URL} when set, else from the embedded default. Every
 * statement is counted in {@code berth.sql.statements}, which tests also use to prove N+1 freedom.
 */
@Factory
final class DataSourceFactory {
    /** The role runtime connections act as (created by migration V0010). */
    static final String RUNTIME_ROLE = "berth_runtime";


    /**
     * The connection pool; closed when the context stops. Not a DataSource bean itself, so nothing wraps it.
     * Migrations run first, as the configured user, on a pool of their own; then every runtime connection
     * becomes {@code berth_runtime}, so row-level security applies even when the configured user owns the
     * tables or is a superuser.
     */
    @Singleton
    @Bean(preDestroy = "close")
    DatabasePool pool(DatabaseProperties properties, @Nullable EmbeddedServers embedded,
                      FlywayMigrator migrator, @Named("default") FlywayConfigurationProperties flyway) {
        var target = target(properties, embedded);
        try (var owner = new HikariDataSource(config(target, 2, "berth-migrations"))) {
            // Concurrent starts are safe: Flyway locks its history table.
            migrator.run(flyway, owner);
        }
        var config = config(target, properties.maxPoolSize(), "berth");
        config.setConnectionTimeout(properties.connectionTimeout().toMillis());
        config.setConnectionInitSql("SET ROLE " + RUNTIME_ROLE);
        return new DatabasePool(new HikariDataSource(config));
    }

    @Singleton
    @Primary
    @Named("default")
    DataSource dataSource(DatabasePool pool, MeterRegistry meters) {
        return new CountingDataSource(pool.hikari(), meters.counter("berth.sql.statements"));
    }

    private static HikariConfig config(JdbcTarget target, int size, String name) {
        var config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(target.url());
        if (target.username() != null) config.setUsername(target.username());
        if (target.password() != null && !target.password().isEmpty()) config.setPassword(target.password());
        config.setMaximumPoolSize(size);
        // Strings bound to jsonb or other typed columns are cast by the server.
        config.addDataSourceProperty("stringtype", "unspecified");
        config.addDataSourceProperty("ApplicationName", "berth");
        return config;
    }

    private static JdbcTarget target(DatabaseProperties properties, @Nullable EmbeddedServers embedded) {
        if (properties.external()) {
            return new JdbcTarget(properties.url(), properties.username(), properties.password());
        }
        if (embedded == null) throw new MissingServiceException("BERTH_DATABASE_URL");
        return embedded.postgres();
    }
}
