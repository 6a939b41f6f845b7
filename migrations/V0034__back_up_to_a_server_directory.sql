-- A backup destination is an S3-compatible bucket or a directory on one of the team's servers (reached over its SSH
-- connection). A server with a destination on it cannot be deleted while the destination exists.
ALTER TABLE backup_destinations
    ADD COLUMN kind text NOT NULL DEFAULT 'S3' CHECK (kind IN ('S3', 'SERVER_DIRECTORY')),
    ADD COLUMN server_id uuid REFERENCES servers (id),
    ADD COLUMN directory text,
    ALTER COLUMN endpoint DROP NOT NULL,
    ALTER COLUMN region DROP NOT NULL,
    ALTER COLUMN bucket DROP NOT NULL,
    ALTER COLUMN access_key DROP NOT NULL,
    ALTER COLUMN secret_key_sealed DROP NOT NULL,
    ADD CONSTRAINT backup_destinations_kind_fields CHECK (
        (kind = 'S3' AND endpoint IS NOT NULL AND region IS NOT NULL AND bucket IS NOT NULL AND access_key IS NOT NULL
            AND secret_key_sealed IS NOT NULL AND server_id IS NULL AND directory IS NULL)
        OR (kind = 'SERVER_DIRECTORY' AND server_id IS NOT NULL AND directory IS NOT NULL AND endpoint IS NULL AND region IS NULL
            AND bucket IS NULL AND access_key IS NULL AND secret_key_sealed IS NULL));
CREATE INDEX backup_destinations_server_id ON backup_destinations (server_id);
