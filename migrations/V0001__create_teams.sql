-- Teams are the tenants: every tenant-owned row carries team_id.
CREATE TABLE teams (
    id         uuid PRIMARY KEY,
    slug       text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
