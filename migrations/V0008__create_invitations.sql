-- Invitations to a team: bound to an email, single use, expiring. Only a SHA-256 of the secret is stored.
CREATE TABLE invitations (
    id               uuid PRIMARY KEY,
    team_id          uuid NOT NULL REFERENCES teams (id),
    email_normalized text NOT NULL,
    role             text NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER')),
    token_hash       text NOT NULL UNIQUE,
    invited_by       uuid NOT NULL REFERENCES users (id),
    expires_at       timestamptz NOT NULL,
    accepted_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_team_id ON invitations (team_id);
