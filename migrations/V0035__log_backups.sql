-- Every line a backup's runs printed (the backup, its verifications and restores, one after another), masked before it
-- was stored; seq is per backup, from 1, without gaps. Followed live and resumed like a deployment's log.
CREATE TABLE backup_logs (
    backup_id  uuid NOT NULL REFERENCES backups (id) ON DELETE CASCADE,
    seq        bigint NOT NULL,
    team_id    uuid NOT NULL,
    at         timestamptz NOT NULL,
    stream     text NOT NULL CHECK (stream IN ('STDOUT', 'STDERR', 'BERTH')),
    text       text NOT NULL,
    PRIMARY KEY (backup_id, seq)
);

ALTER TABLE backup_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY backup_logs_team ON backup_logs TO berth_runtime
    USING (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid)
    WITH CHECK (team_id = NULLIF(current_setting('berth.team_id', true), '')::uuid);
