-- What the last validation or probe learned about a server, and how often it failed in a row.
ALTER TABLE servers ADD COLUMN facts jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE servers ADD COLUMN checked_at timestamptz;
ALTER TABLE servers ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0;
