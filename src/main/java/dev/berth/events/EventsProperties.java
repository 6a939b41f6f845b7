package dev.berth.events;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** Limits of live event delivery ({@code berth.events.*}). */
@ConfigurationProperties("berth.events")
public record EventsProperties(
        @Bindable(defaultValue = "4096") @Min(16) int subscriberBuffer,
        @Bindable(defaultValue = "5s") @NotNull Duration subscribeTimeout) {}
