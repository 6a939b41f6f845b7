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
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one PostgreSQL pool: from {@code BERTH_DATABASE_URL} when set, else from the embedded default. Every
 * statement is counted in {@code berth.sql.statements}, which tests also use to prove N+1 freedom; those sent with
 * their transaction's COMMIT ({@link Statements#kept}, {@link Statements#atCommit}) also in
 * {@code berth.sql.statements.with.commit}, per statement.
 */
@Factory
final class DataSourceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DataSourceFactory.class);
    /** The role runtime connections act as (created by migration V0010). */
    static final String RUNTIME_ROLE = "berth_runtime";


    /**
     * The connection pool; closed when the context stops. Not a DataSource bean itself, so nothing wraps it.
     * Migrations run first, as the configured user, on a pool of their own (not even opened when the database already
     * has exactly this build's migrations: {@link MigrationHistory}); then every runtime connection
     * becomes {@code berth_runtime}, so row-level security applies even when the configured user owns the
     * tables or is a superuser.
     */
    @Singleton
    @Bean(preDestroy = "close")
    DatabasePool pool(DatabaseProperties properties, @Nullable EmbeddedServers embedded,
                      FlywayMigrator migrator, @Named("default") FlywayConfigurationProperties flyway) {
        var target = target(properties, embedded);
        if (standard(flyway) && upToDate(target)) {
            LOG.info("event=migrations-current detail=\"every bundled migration is applied with its checksum; Flyway not needed\"");
        } else {
            try (var owner = new HikariDataSource(config(target, 2, "berth-migrations"))) {
                // Concurrent starts are safe: Flyway locks its history table.
                migrator.run(flyway, owner);
            }
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
        return new CountingDataSource(pool.hikari(), meters.counter("berth.sql.statements"), meters.counter("berth.sql.statements.with.commit"));
    }

    /**
     * Whether Flyway is configured as {@link MigrationHistory} models it: its default table and schema, Berth's one
     * location, every migration wanted, nothing else run around it. Any setting beyond that lets Flyway decide.
     */
    private static boolean standard(FlywayConfigurationProperties flyway) {
        var config = flyway.getFluentConfiguration();
        var locations = config.getLocations();
        return flyway.isEnabled() && !flyway.isCleanSchema() && !flyway.hasAlternativeDatabaseConfiguration()
                && locations.length == 1 && locations[0].getDescriptor().equals("classpath:" + MigrationHistory.LOCATION)
                && "flyway_schema_history".equals(config.getTable()) && config.getSchemas().length == 0
                && config.getDefaultSchema() == null && org.flywaydb.core.api.MigrationVersion.LATEST.equals(config.getTarget())
                && config.getCallbacks().length == 0 && config.getJavaMigrations().length == 0;
    }

    /** Whether the database already has exactly this build's migrations: one plain connection as the configured user. */
    private static boolean upToDate(JdbcTarget target) {
        var login = new Properties();
        if (target.username() != null) login.setProperty("user", target.username());
        if (target.password() != null && !target.password().isEmpty()) login.setProperty("password", target.password());
        login.setProperty("ApplicationName", "berth");
        login.setProperty("connectTimeout", "10");
        login.setProperty("socketTimeout", "30");
        try (var owner = new org.postgresql.Driver().connect(target.url(), login)) {
            return owner != null && MigrationHistory.upToDate(owner, DataSourceFactory.class.getClassLoader());
        } catch (SQLException e) {
            return false; // Flyway's pool reports what is wrong with the database
        }
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
