-- Where a team's database backups go: an S3-compatible bucket (the secret key sealed, write-only).
CREATE TABLE backup_destinations (
    id                 uuid PRIMARY KEY,
    team_id            uuid NOT NULL REFERENCES teams (id),
    name               text NOT NULL,
    endpoint           text NOT NULL,
    region             text NOT NULL,
    bucket             text NOT NULL,
    path_prefix        text NOT NULL DEFAULT '',
    path_style         boolean NOT NULL DEFAULT false,
    access_key         text NOT NULL,
    secret_key_sealed  text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX backup_destinations_team_id_name ON backup_destinations (team_id, name);

-- One backup of a database: a dump streamed from the database's container to a destination. SUCCEEDED only when the
-- dump ended well and every byte is stored (size and SHA-256 of what was stored).
CREATE TABLE backups (
    id              uuid PRIMARY KEY,
    team_id         uuid NOT NULL REFERENCES teams (id),
    database_id     uuid NOT NULL,
    destination_id  uuid REFERENCES backup_destinations (id) ON DELETE SET NULL,
    engine          text NOT NULL,
    status          text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    object_key      text NOT NULL,
    size_bytes      bigint,
    sha256          text,
    detail          text,
    restore_status  text CHECK (restore_status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    restore_detail  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz
);
CREATE INDEX backups_team_id_database_id ON backups (team_id, database_id, id);

ALTER TABLE backup_destinations ENABLE ROW LEVEL SECURITY;
CREATE POLICY backup_destinations_team ON backup_destinations TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
ALTER TABLE backups ENABLE ROW LEVEL SECURITY;
CREATE POLICY backups_team ON backups TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
