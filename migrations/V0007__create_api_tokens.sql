-- Personal access tokens: bound to one team and one user, scoped, optionally limited to some projects.
-- Only a SHA-256 of the secret is stored.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY,
    team_id      uuid NOT NULL REFERENCES teams (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    name         text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    scopes       text[] NOT NULL,
    project_ids  text[],
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_tokens_team_id ON api_tokens (team_id, id);
