package dev.berth.jobs;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * The job engine ({@code berth.jobs.*}). A running job's node writes a heartbeat every {@code heartbeat}; after
 * {@code missedHeartbeats} missed ones another node takes the job over (5 s × 6: about 30 s). Idle nodes poll every
 * {@code pollingInterval} and are woken at once through Dragonfly when a job is queued. A stopping node lets its
 * running jobs finish for up to {@code shutdownWait}; a deployment still running then is handed over to another node.
 */
@ConfigurationProperties("berth.jobs")
public record JobsProperties(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "8") @Min(1) int threads,
        @Bindable(defaultValue = "5s") @NotNull Duration heartbeat,
        @Bindable(defaultValue = "6") @Min(2) int missedHeartbeats,
        @Bindable(defaultValue = "10s") @NotNull Duration pollingInterval,
        @Bindable(defaultValue = "5s") @NotNull Duration shutdownWait) {}
