package dev.berth.deployment;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/**
 * Deployments ({@code berth.deployments.*}): how many run at once on one server, the Docker network containers
 * join ({@code host} makes every container port a fixed host port), how many log lines one deployment keeps, how
 * often a dead node's deployment is retried, how many images per application stay on the server for rollbacks, and
 * how long a container without a health check must keep running before it counts as started.
 */
@ConfigurationProperties("berth.deployments")
public record DeploymentsProperties(
        @Bindable(defaultValue = "2") @Min(1) int perServer,
        @Bindable(defaultValue = "bridge") @NotBlank String network,
        @Bindable(defaultValue = "100000") @Min(100) long maxLogLines,
        @Bindable(defaultValue = "3") @Min(1) int maxAttempts,
        @Bindable(defaultValue = "5") @Min(1) int keepImages,
        @Bindable(defaultValue = "1s") @jakarta.validation.constraints.NotNull java.time.Duration settle) {}
