-- Applications: a container pulled or built from a source, configured by settings, placed on a server.
-- source and settings are JSON documents of Berth's own shape (application/ApplicationSource, ApplicationSettings).
CREATE TABLE applications (
    id              uuid PRIMARY KEY,
    team_id         uuid NOT NULL REFERENCES teams (id),
    project_id      uuid NOT NULL REFERENCES projects (id),
    environment_id  uuid NOT NULL REFERENCES environments (id),
    server_id       uuid NOT NULL REFERENCES servers (id),
    name            text NOT NULL,
    source          jsonb NOT NULL,
    settings        jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'NOT_DEPLOYED'
                    CHECK (status IN ('NOT_DEPLOYED', 'DEPLOYING', 'RUNNING', 'STOPPED', 'FAILED')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- set by deleteApplication; the row goes once a job has removed its containers
    deleted_at      timestamptz
);
CREATE UNIQUE INDEX applications_environment_id_name ON applications (environment_id, name) WHERE deleted_at IS NULL;
CREATE INDEX applications_team_id_id ON applications (team_id, id);
CREATE INDEX applications_server_id ON applications (server_id);

ALTER TABLE applications ENABLE ROW LEVEL SECURITY;
CREATE POLICY applications_team ON applications TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
