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
        @Bindable(defaultValue = "10s") @NotNull Duration revalidateEvery,
        /**
         * Frames one subscription may fall behind before it is closed with 1013. Frames are shared by every member of
         * a subscription group (see SubscriptionGroups), so a buffered frame costs a member one reference.
         */
        @Bindable(defaultValue = "4096") @Min(16) int subscriberBuffer,
        /**
         * Bytes of frames one subscription may fall behind before it is closed with 1013: with large frames the count
         * above is no bound at all (4,096 frames of 450 KB would be 1.8 GB). A shared frame counts fully for each member.
         */
        @Bindable(defaultValue = "8388608") @Min(65536) long subscriberBufferBytes) {}
