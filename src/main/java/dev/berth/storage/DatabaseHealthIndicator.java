package dev.berth.storage;

import io.micronaut.health.HealthStatus;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Reports whether PostgreSQL answers, and its version; never the URL, which may hold credentials. */
@Singleton
final class DatabaseHealthIndicator implements HealthIndicator {
    private final DataSource dataSource;
    private final ExecutorService blocking;

    DatabaseHealthIndicator(DataSource dataSource, DataSourceResolver resolver,
                            @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        // The injected data source is transaction-aware and needs a transaction; the probe wants a plain connection.
        this.dataSource = resolver.resolve(dataSource);
        this.blocking = blocking;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.fromCallable(this::check).subscribeOn(Schedulers.fromExecutorService(blocking));
    }

    private HealthResult check() {
        try (var connection = dataSource.getConnection();
             var rs = connection.createStatement().executeQuery("SHOW server_version")) {
            rs.next();
            return HealthResult.builder("postgres", HealthStatus.UP).details(Map.of("version", rs.getString(1))).build();
        } catch (Exception e) {
            return HealthResult.builder("postgres", HealthStatus.DOWN).details(Map.of("error", e.getClass().getSimpleName())).build();
        }
    }
}
