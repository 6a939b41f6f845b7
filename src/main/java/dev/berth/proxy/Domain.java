package dev.berth.proxy;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * A host name (ASCII form) routed to an application through its server's proxy: every path, or those under
 * {@code pathPrefix}; to the container's {@code port} on a bridge network (its $PORT on the host network); over HTTPS
 * with a certificate Caddy obtains (plain HTTP redirects to it) unless {@code https} is false.
 */
public record Domain(UUID id, UUID teamId, UUID applicationId, String host, @Nullable String pathPrefix, @Nullable Integer port, boolean https,
                     boolean redirectWww, Instant createdAt) {}
