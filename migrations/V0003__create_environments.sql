-- Environments (production, staging, ...) of a project. Soft-deleted with their project.
CREATE TABLE environments (
    id         uuid PRIMARY KEY,
    team_id    uuid NOT NULL REFERENCES teams (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);

CREATE UNIQUE INDEX environments_project_id_name_live ON environments (project_id, name) WHERE deleted_at IS NULL;
CREATE INDEX environments_team_id_project_id_live ON environments (team_id, project_id) WHERE deleted_at IS NULL;
