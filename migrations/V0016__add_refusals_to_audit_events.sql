-- Refused attempts are audited too: failed sign-ins and mutations refused as UNAUTHENTICATED, FORBIDDEN or
-- NOT_FOUND. refused_code is null for a change that happened, else the error code the caller received.
ALTER TABLE audit_events ADD COLUMN refused_code text;
CREATE INDEX audit_events_refused ON audit_events (team_id, id DESC) WHERE refused_code IS NOT NULL;
