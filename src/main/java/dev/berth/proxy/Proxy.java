package dev.berth.proxy;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/** A server's managed proxy as stored: what Berth installs there, and what it last saw. */
public record Proxy(UUID serverId, UUID teamId, String image, int httpPort, int httpsPort, Status status, @Nullable String statusDetail,
                    @Nullable String version, @Nullable Instant configuredAt) {
    /** INSTALLING until Berth loaded its configuration once; FAILED says why in {@code statusDetail}. */
    public enum Status { INSTALLING, RUNNING, FAILED }
}
