package dev.berth.server;

import java.util.UUID;

/**
 * Published (synchronously, in the deleting transaction) before a private key is deleted: a feature that still uses the
 * key (an application's deploy key) refuses by throwing a CONFLICT naming what uses it.
 */
public record PrivateKeyDeleting(UUID teamId, UUID keyId) {}
