-- Private container registries of a team: the daemon pulls with these credentials through the Engine API.
-- The password is sealed (AES-256-GCM, key id in front) and never returned.
CREATE TABLE registries (
    id               uuid PRIMARY KEY,
    team_id          uuid NOT NULL REFERENCES teams (id),
    host             text NOT NULL,
    username         text NOT NULL,
    password_sealed  text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX registries_team_id_host_username ON registries (team_id, host, username);

ALTER TABLE registries ENABLE ROW LEVEL SECURITY;
CREATE POLICY registries_team ON registries TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
