package dev.berth.runtime;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;

/** Process-wide settings: {@code BERTH_DATA_DIR} holds the embedded servers' data and generated keys. */
@ConfigurationProperties("berth")
public record BerthProperties(@Bindable(defaultValue = ".berth") @NotNull Path dataDir) {}
