-- A local server is the Berth host itself: its Docker socket is used directly, with no SSH and no key.
ALTER TABLE servers ADD COLUMN local boolean NOT NULL DEFAULT false;
ALTER TABLE servers ALTER COLUMN private_key_id DROP NOT NULL;
ALTER TABLE servers ADD CONSTRAINT servers_key_unless_local CHECK (local OR private_key_id IS NOT NULL);
