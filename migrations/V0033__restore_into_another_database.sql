-- The database the last restore of a backup goes into (null: its own).
ALTER TABLE backups ADD COLUMN restore_target_id uuid;
