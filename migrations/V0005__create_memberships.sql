-- A user's role in a team.
CREATE TABLE memberships (
    id         uuid PRIMARY KEY,
    team_id    uuid NOT NULL REFERENCES teams (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    role       text NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (team_id, user_id)
);
CREATE INDEX memberships_user_id ON memberships (user_id);
