-- Environment variables at four scopes (team, project, environment, application); the most specific wins.
-- scope_id is the team's, project's, environment's or application's id. A secret's value is sealed
-- (value_sealed, AES-256-GCM with the key id in front) and value is NULL; a plain one is in value.
CREATE TABLE environment_variables (
    team_id       uuid NOT NULL REFERENCES teams (id),
    scope         text NOT NULL CHECK (scope IN ('TEAM', 'PROJECT', 'ENVIRONMENT', 'APPLICATION')),
    scope_id      uuid NOT NULL,
    key           text NOT NULL,
    value         text,
    value_sealed  text,
    secret        boolean NOT NULL,
    build_time    boolean NOT NULL,
    PRIMARY KEY (scope_id, key),
    CHECK ((secret AND value IS NULL AND value_sealed IS NOT NULL) OR (NOT secret AND value IS NOT NULL AND value_sealed IS NULL))
);
CREATE INDEX environment_variables_team_id ON environment_variables (team_id);

ALTER TABLE environment_variables ENABLE ROW LEVEL SECURITY;
CREATE POLICY environment_variables_team ON environment_variables TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
