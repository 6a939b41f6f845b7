package dev.berth.backup;

import java.time.Instant;
import java.util.UUID;

/** An S3-compatible bucket a team's backups go to. The secret key is sealed and write-only. */
public record BackupDestination(UUID id, UUID teamId, String name, String endpoint, String region, String bucket, String pathPrefix,
                                boolean pathStyle, String accessKey, String secretKeySealed, Instant createdAt) {
    String sealContext() {
        return "backup-destinations:" + id;
    }

    /** The object key of a backup under the destination's prefix. */
    String key(String name) {
        return pathPrefix.isEmpty() ? name : pathPrefix + "/" + name;
    }
}
