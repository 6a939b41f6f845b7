package dev.berth.backup;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * Where a team's backups go: an S3-compatible bucket (endpoint, region, bucket, access key; the secret key sealed and
 * write-only), or a directory on one of the team's servers, written over its SSH connection.
 */
public record BackupDestination(UUID id, UUID teamId, String name, Kind kind, @Nullable String endpoint, @Nullable String region,
                                @Nullable String bucket, String pathPrefix, boolean pathStyle, @Nullable String accessKey,
                                @Nullable String secretKeySealed, @Nullable UUID serverId, @Nullable String directory, Instant createdAt) {
    /** The two kinds of destination. */
    public enum Kind { S3, SERVER_DIRECTORY }

    String sealContext() {
        return "backup-destinations:" + id;
    }

    /** The object key of a backup under the destination's prefix. */
    String key(String name) {
        return pathPrefix.isEmpty() ? name : pathPrefix + "/" + name;
    }
}
