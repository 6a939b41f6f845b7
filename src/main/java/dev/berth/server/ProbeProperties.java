package dev.berth.server;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** The periodic server probe ({@code berth.servers.probe.*}). */
@ConfigurationProperties("berth.servers.probe")
public record ProbeProperties(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "5m") @NotNull Duration every) {}
