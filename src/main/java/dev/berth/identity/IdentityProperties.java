package dev.berth.identity;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * Sign-in settings ({@code berth.identity.*}); the token signing secret is {@code BERTH_JWT_SECRET}
 * ({@code berth.jwt.secret}), read by {@link SigningKey}.
 */
@ConfigurationProperties("berth.identity")
public record IdentityProperties(
        @Bindable(defaultValue = "true") boolean signUpEnabled,
        @Bindable(defaultValue = "15m") @NotNull Duration accessTokenTtl,
        @Bindable(defaultValue = "30d") @NotNull Duration sessionTtl,
        @Bindable(defaultValue = "7d") @NotNull Duration invitationTtl,
        @Bindable(defaultValue = "berth") @NotNull String issuer,
        @Bindable(defaultValue = "berth-api") @NotNull String audience,
        @Bindable(defaultValue = "19456") int passwordMemoryKib,
        @Bindable(defaultValue = "2") int passwordIterations,
        /** How long a resolved caller is reused at most (changes clear it at once, see ViewerCache); 0 turns it off. */
        @Bindable(defaultValue = "30s") @NotNull Duration viewerCacheTtl) {}
