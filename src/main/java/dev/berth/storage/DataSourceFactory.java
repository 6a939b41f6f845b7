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
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

/**
 * The one PostgreSQL pool: from {@code BERTH_DATABASE_URL} when set, else from the embedded default. Every
 * statement is counted in {@code berth.sql.statements}, which tests also use to prove N+1 freedom.
 */
@Factory
final class DataSourceFactory {

    /** The connection pool; closed when the context stops. Not a DataSource bean itself, so nothing wraps it. */
    @Singleton
    @Bean(preDestroy = "close")
    DatabasePool pool(DatabaseProperties properties, @Nullable EmbeddedServers embedded) {
        var target = target(properties, embedded);
        var config = new HikariConfig();
        config.setPoolName("berth");
        config.setJdbcUrl(target.url());
        if (target.username() != null) config.setUsername(target.username());
        if (target.password() != null && !target.password().isEmpty()) config.setPassword(target.password());
        config.setMaximumPoolSize(properties.maxPoolSize());
        // Strings bound to jsonb or other typed columns are cast by the server.
        config.addDataSourceProperty("stringtype", "unspecified");
        config.addDataSourceProperty("ApplicationName", "berth");
        return new DatabasePool(new HikariDataSource(config));
    }

    @Singleton
    @Primary
    @Named("default")
    DataSource dataSource(DatabasePool pool, MeterRegistry meters,
                          FlywayMigrator migrator, @Named("default") FlywayConfigurationProperties flyway) {
        var dataSource = ProxyDataSourceBuilder.create(pool.hikari())
                .name("berth")
                .listener(new CountingListener(meters.counter("berth.sql.statements")))
                .build();
        // micronaut-flyway migrates only data sources it names itself; ours is built here, so migrate it here,
        // before any other bean can use it. Concurrent starts are safe: Flyway locks its history table.
        migrator.run(flyway, dataSource);
        return dataSource;
    }

    private static JdbcTarget target(DatabaseProperties properties, @Nullable EmbeddedServers embedded) {
        if (properties.external()) {
            return new JdbcTarget(properties.url(), properties.username(), properties.password());
        }
        if (embedded == null) throw new MissingServiceException("BERTH_DATABASE_URL");
        return embedded.postgres();
    }
}
