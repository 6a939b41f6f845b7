package dev.berth.registry;

import java.util.UUID;

/**
 * Published (synchronously, in the deleting transaction) before a registry's credentials are deleted: a feature that
 * still pulls with them (an application's image) refuses by throwing a CONFLICT naming what uses them.
 */
public record RegistryDeleting(UUID teamId, UUID registryId) {}
