package dev.berth.application;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;

/**
 * What Berth last saw of an application's current container on its server: how often Docker restarted it under its
 * restart policy, its last exit (null while it never exited) and whether the kernel's out-of-memory killer ended it.
 * Stored as JSON on the application.
 */
public record ContainerState(int restartCount, @Nullable Integer exitCode, boolean oomKilled, Instant observedAt) {}
