-- Projects group environments and their resources. Soft-deleted: deleted_at is set, the row stays.
CREATE TABLE projects (
    id          uuid PRIMARY KEY,
    team_id     uuid NOT NULL REFERENCES teams (id),
    name        text NOT NULL,
    description text,
    metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);

-- A name is unique among a team's live projects; a deleted project frees its name.
CREATE UNIQUE INDEX projects_team_id_name_live ON projects (team_id, name) WHERE deleted_at IS NULL;
-- Keyset pagination: team's live projects in id (creation) order.
CREATE INDEX projects_team_id_id_live ON projects (team_id, id) WHERE deleted_at IS NULL;
-- metadataContains filter (metadata @> filter).
CREATE INDEX projects_metadata ON projects USING gin (metadata jsonb_path_ops);
