-- SSH private keys. The private part is sealed with the master key (AES-256-GCM); it never leaves Berth.
CREATE TABLE private_keys (
    id             uuid PRIMARY KEY,
    team_id        uuid NOT NULL REFERENCES teams (id),
    name           text NOT NULL,
    algorithm      text NOT NULL,
    public_key     text NOT NULL,
    fingerprint    text NOT NULL,
    private_sealed text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX private_keys_team_id_name ON private_keys (team_id, name);

ALTER TABLE private_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY private_keys_team ON private_keys TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
