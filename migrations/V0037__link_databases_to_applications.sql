-- A database linked to an application of its environment: at every deploy, its connection URL (with the password)
-- reaches the application's container as `key` (DATABASE_URL by default), sealed in the deployment like a secret.
CREATE TABLE database_links (
    application_id  uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    key             text NOT NULL,
    database_id     uuid NOT NULL REFERENCES databases (id) ON DELETE CASCADE,
    team_id         uuid NOT NULL REFERENCES teams (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, key)
);
CREATE INDEX database_links_database_id ON database_links (database_id);

ALTER TABLE database_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY database_links_team ON database_links TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
