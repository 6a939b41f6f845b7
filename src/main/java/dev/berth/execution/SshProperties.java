package dev.berth.execution;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** How Berth reaches managed servers ({@code berth.ssh.*}). */
@ConfigurationProperties("berth.ssh")
public record SshProperties(
        @Bindable(defaultValue = "10s") @NotNull Duration connectTimeout,
        @Bindable(defaultValue = "30m") @NotNull Duration commandTimeout,
        @Bindable(defaultValue = "30s") @NotNull Duration keepAlive,
        @Bindable(defaultValue = "5m") @NotNull Duration idleEviction) {}
