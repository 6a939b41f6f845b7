-- Deployments: one attempt each to bring an application to a configuration, numbered per application.
-- snapshot is what was deployed (source, settings, image) and environment_sealed its environment variables, sealed
-- as one blob (secret values included), so a rollback restores both without the current settings.
CREATE TABLE deployments (
    id                  uuid PRIMARY KEY,
    team_id             uuid NOT NULL REFERENCES teams (id),
    project_id          uuid NOT NULL REFERENCES projects (id),
    application_id      uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    server_id           uuid NOT NULL,
    number              integer NOT NULL,
    status              text NOT NULL CHECK (status IN ('QUEUED', 'PREPARING', 'BUILDING', 'STARTING', 'HEALTH_CHECKING',
                                                        'SUCCEEDED', 'FAILED', 'CANCELLED')),
    reason              text,
    commit_ref          text,
    image               text,
    snapshot            jsonb NOT NULL,
    environment_sealed  text NOT NULL,
    diff                jsonb NOT NULL DEFAULT '[]',
    rollback_of         uuid REFERENCES deployments (id) ON DELETE SET NULL,
    cancel_requested    boolean NOT NULL DEFAULT false,
    attempts            integer NOT NULL DEFAULT 0,
    container_id        text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz
);
CREATE UNIQUE INDEX deployments_application_id_number ON deployments (application_id, number);
CREATE INDEX deployments_active ON deployments (server_id, status) WHERE status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED');

ALTER TABLE deployments ENABLE ROW LEVEL SECURITY;
CREATE POLICY deployments_team ON deployments TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);

-- Every line a deployment printed (build output, container output while starting, Berth's own steps), masked
-- before it was stored. seq is per deployment, from 1, without gaps.
CREATE TABLE deployment_logs (
    deployment_id  uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    seq            bigint NOT NULL,
    team_id        uuid NOT NULL,
    at             timestamptz NOT NULL,
    stream         text NOT NULL CHECK (stream IN ('STDOUT', 'STDERR', 'BERTH')),
    text           text NOT NULL,
    PRIMARY KEY (deployment_id, seq)
);

ALTER TABLE deployment_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY deployment_logs_team ON deployment_logs TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
