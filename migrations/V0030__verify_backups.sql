-- A backup is verified by restoring it into a throwaway container and inspecting what came back (tables, rows).
ALTER TABLE backups ADD COLUMN verify_status text CHECK (verify_status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'));
ALTER TABLE backups ADD COLUMN verification text;
ALTER TABLE backups ADD COLUMN verified_at timestamptz;
-- verify once the backup succeeded (backupDatabase's verify argument)
ALTER TABLE backups ADD COLUMN verify_requested boolean NOT NULL DEFAULT false;
