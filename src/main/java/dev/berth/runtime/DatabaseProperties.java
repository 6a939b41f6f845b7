package dev.berth.runtime;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Where PostgreSQL is ({@code BERTH_DATABASE_URL}, {@code BERTH_DATABASE_USERNAME}, {@code BERTH_DATABASE_PASSWORD}).
 * With no URL, Berth starts its embedded PostgreSQL. {@code connectionTimeout} is how long a request waits for a
 * pooled connection before failing.
 */
@ConfigurationProperties("berth.database")
public record DatabaseProperties(
        @Nullable String url,
        @Nullable String username,
        @Nullable String password,
        @Bindable(defaultValue = "10") @Min(1) @Max(200) int maxPoolSize,
        @Bindable(defaultValue = "30s") java.time.Duration connectionTimeout) {

    public boolean external() {
        return url != null && !url.isBlank();
    }

    @Override
    public String toString() {
        return "DatabaseProperties[url=" + url + ", username=" + username + ", password=***]";
    }
}
