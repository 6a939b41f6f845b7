-- Row-level security is the backstop of tenancy: Berth's runtime connections act as berth_runtime (never the
-- owner, never a superuser), and a tenant-owned row is visible only inside a transaction that set its team
-- with set_config('berth.team_id', ..., true). A query that forgets its team filter finds nothing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'berth_runtime') THEN
        CREATE ROLE berth_runtime NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;
GRANT berth_runtime TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO berth_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO berth_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO berth_runtime;
REVOKE ALL ON flyway_schema_history FROM berth_runtime;

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_team ON projects TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);

ALTER TABLE environments ENABLE ROW LEVEL SECURITY;
CREATE POLICY environments_team ON environments TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);

-- Audit rows without a team (sign-ups, logins) are written by anyone and read by no team.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_events_team ON audit_events TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id IS NULL OR team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
