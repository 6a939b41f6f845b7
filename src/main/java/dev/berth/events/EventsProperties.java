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
        /** Bytes (of the broker's messages) one local subscriber of a channel may fall behind before it is cut off. */
        @Bindable(defaultValue = "8388608") @Min(65536) long subscriberBufferBytes,
        @Bindable(defaultValue = "5s") @NotNull Duration subscribeTimeout) {}
