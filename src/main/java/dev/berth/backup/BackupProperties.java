package dev.berth.backup;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * Backups ({@code berth.backups.*}): a schedule may fire at most every {@code minInterval}; an imported dump is at
 * most {@code maxImportBytes} and must arrive within {@code uploadWithin} of importBackup.
 */
@ConfigurationProperties("berth.backups")
public record BackupProperties(@Bindable(defaultValue = "15m") @NotNull Duration minInterval,
                               @Bindable(defaultValue = "53687091200") long maxImportBytes,
                               @Bindable(defaultValue = "1h") @NotNull Duration uploadWithin) {}
