-- A backup can be imported: a dump the client uploads (streamed, size-capped) instead of one Berth makes. Until its
-- upload arrives it is QUEUED with the SHA-256 of a one-time upload token and the size the client announced; while it
-- streams, upload_seen_at moves (an upload whose node died stops moving it, and its expiry then fails it).
ALTER TABLE backups
    ADD COLUMN imported boolean NOT NULL DEFAULT false,
    ADD COLUMN upload_token_hash text,
    ADD COLUMN upload_size bigint CHECK (upload_size IS NULL OR upload_size > 0),
    ADD COLUMN upload_seen_at timestamptz;
