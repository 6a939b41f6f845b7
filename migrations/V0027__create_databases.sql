-- Standalone databases: an engine's container on a server, in an environment. The password is sealed (AES-256-GCM,
-- key id in front) and only returned by an explicit, audited reveal. The data lives in the named volume
-- berth-db-<id>, which deleting the database keeps unless asked to remove it.
CREATE TABLE databases (
    id                uuid PRIMARY KEY,
    team_id           uuid NOT NULL REFERENCES teams (id),
    project_id        uuid NOT NULL REFERENCES projects (id),
    environment_id    uuid NOT NULL REFERENCES environments (id),
    server_id         uuid NOT NULL REFERENCES servers (id),
    name              text NOT NULL,
    engine            text NOT NULL
                      CHECK (engine IN ('POSTGRESQL', 'MYSQL', 'MARIADB', 'MONGODB', 'REDIS', 'KEYDB', 'DRAGONFLY', 'CLICKHOUSE')),
    image             text NOT NULL,
    username          text NOT NULL,
    database_name     text,
    password_sealed   text NOT NULL,
    public_port       integer CHECK (public_port BETWEEN 1 AND 65535),
    cpu_limit         double precision,
    memory_limit_mib  integer,
    -- what the database should be doing, and what its container was last seen doing
    desired           text NOT NULL DEFAULT 'RUNNING' CHECK (desired IN ('RUNNING', 'STOPPED')),
    status            text NOT NULL DEFAULT 'STARTING'
                      CHECK (status IN ('STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'FAILED', 'DELETING')),
    status_detail     text,
    remove_volume     boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- set by deleteDatabase; the row goes once a job has removed its container
    deleted_at        timestamptz
);
CREATE UNIQUE INDEX databases_environment_id_name ON databases (environment_id, name) WHERE deleted_at IS NULL;
CREATE INDEX databases_team_id_id ON databases (team_id, id);
CREATE INDEX databases_server_id ON databases (server_id);
CREATE UNIQUE INDEX databases_server_id_public_port ON databases (server_id, public_port) WHERE public_port IS NOT NULL AND deleted_at IS NULL;

ALTER TABLE databases ENABLE ROW LEVEL SECURITY;
CREATE POLICY databases_team ON databases TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
