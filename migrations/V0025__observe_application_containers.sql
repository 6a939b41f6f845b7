-- What Berth last saw of an application's current container, from its server's Docker events: RESTARTING (a crash
-- loop under the restart policy), EXITED (stopped by itself, not restarted) and MISSING (removed outside Berth) join
-- the statuses, and container holds {restartCount, exitCode, oomKilled, observedAt} (application/ContainerState).
ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications ADD CONSTRAINT applications_status_check
    CHECK (status IN ('NOT_DEPLOYED', 'DEPLOYING', 'RUNNING', 'STOPPED', 'FAILED', 'RESTARTING', 'EXITED', 'MISSING'));
ALTER TABLE applications ADD COLUMN container jsonb;
