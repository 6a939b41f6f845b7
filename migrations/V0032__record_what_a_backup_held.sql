-- What the database held when its backup began (tables, rows), so that a verification can tell a restore that lost
-- tables from a database that had none.
ALTER TABLE backups ADD COLUMN source_tables bigint;
ALTER TABLE backups ADD COLUMN source_rows bigint;
