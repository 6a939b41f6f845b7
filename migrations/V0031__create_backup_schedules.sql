-- Recurring backups of a database: a job on the job engine per schedule (one run across all nodes; after downtime a
-- missed run runs once), each run a backup like backupDatabase's. Retention deletes the schedule's older successful
-- backups (their objects first) after a successful run, never the newest good one.
CREATE TABLE backup_schedules (
    id              uuid PRIMARY KEY,
    team_id         uuid NOT NULL REFERENCES teams (id),
    database_id     uuid NOT NULL,
    destination_id  uuid NOT NULL REFERENCES backup_destinations (id) ON DELETE CASCADE,
    cron            text NOT NULL,
    time_zone       text NOT NULL,
    retain_count    integer CHECK (retain_count BETWEEN 1 AND 1000),
    retain_days     integer CHECK (retain_days BETWEEN 1 AND 3650),
    verify          boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backup_schedules_team_id_database_id ON backup_schedules (team_id, database_id);
ALTER TABLE backups ADD COLUMN schedule_id uuid;

ALTER TABLE backup_schedules ENABLE ROW LEVEL SECURITY;
CREATE POLICY backup_schedules_team ON backup_schedules TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
