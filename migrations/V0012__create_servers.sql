-- Servers Berth reaches over SSH (or, for the server named localhost, through the local Docker socket).
CREATE TABLE servers (
    id                    uuid PRIMARY KEY,
    team_id               uuid NOT NULL REFERENCES teams (id),
    name                  text NOT NULL,
    host                  text NOT NULL,
    port                  integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    ssh_user              text NOT NULL,
    private_key_id        uuid NOT NULL REFERENCES private_keys (id),
    host_key_fingerprint  text,
    status                text NOT NULL DEFAULT 'UNKNOWN' CHECK (status IN ('UNKNOWN', 'REACHABLE', 'UNREACHABLE', 'DOCKER_MISSING')),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX servers_team_id_name ON servers (team_id, name);
CREATE INDEX servers_private_key_id ON servers (private_key_id);

ALTER TABLE servers ENABLE ROW LEVEL SECURITY;
CREATE POLICY servers_team ON servers TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
