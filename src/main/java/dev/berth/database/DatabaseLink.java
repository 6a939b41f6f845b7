package dev.berth.database;

import java.time.Instant;
import java.util.UUID;

/** A database linked to an application of its environment: its connection URL reaches the container as {@code key}. */
public record DatabaseLink(UUID applicationId, String key, UUID databaseId, UUID teamId, Instant createdAt) {}
