-- Who did what to which resource. Written in the same transaction as the change; searchable with full text.
CREATE TABLE audit_events (
    id            uuid PRIMARY KEY,
    team_id       uuid REFERENCES teams (id),
    actor_id      uuid REFERENCES users (id),
    token_id      uuid,
    action        text NOT NULL,
    resource_type text,
    resource_id   text,
    details       jsonb NOT NULL DEFAULT '{}'::jsonb,
    ip            text,
    user_agent    text,
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    search        tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', replace(action, '.', ' ') || ' ' || coalesce(resource_type, ''))
        || jsonb_to_tsvector('simple', details, '["string", "numeric"]')
    ) STORED
);
CREATE INDEX audit_events_team_id ON audit_events (team_id, id DESC);
CREATE INDEX audit_events_search ON audit_events USING gin (search);
