package dev.berth.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** graphql-ws transport settings ({@code berth.ws.*}). */
@ConfigurationProperties("berth.ws")
public record WsProperties(
        @Bindable(defaultValue = "10s") @NotNull Duration initTimeout,
        @Bindable(defaultValue = "100") @Min(1) int maxOperationsPerConnection,
        @Bindable(defaultValue = "10s") @NotNull Duration revalidateEvery) {}
