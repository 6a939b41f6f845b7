package dev.berth.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;

/**
 * Query cost budgets per minute ({@code berth.rate-limit.*}): per personal access token, per signed-in user,
 * and per IP address for anonymous callers. A document's cost is the one the limits use. Refused credentials
 * (bad, forged, expired or revoked tokens) are counted per IP address too.
 */
@ConfigurationProperties("berth.rate-limit")
public record RateLimitProperties(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "500000") @Min(1) long costPerMinute,
        @Bindable(defaultValue = "2000") @Min(1) long anonymousCostPerMinute,
        @Bindable(defaultValue = "20") @Min(1) long refusedCredentialsPerMinute) {}
