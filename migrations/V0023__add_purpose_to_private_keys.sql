-- A key's purpose is part of the key: SERVER keys log Berth into servers and never leave it; DEPLOY keys are handed
-- to a server for one git clone. Existing keys: those only applications use become DEPLOY keys; a key that a server
-- uses stays SERVER, and an application naming it must be given a deploy key (its next build says so).
ALTER TABLE private_keys ADD COLUMN purpose text NOT NULL DEFAULT 'SERVER' CHECK (purpose IN ('SERVER', 'DEPLOY'));
UPDATE private_keys k SET purpose = 'DEPLOY'
 WHERE NOT EXISTS (SELECT 1 FROM servers s WHERE s.private_key_id = k.id)
   AND EXISTS (SELECT 1 FROM applications a WHERE a.source ->> 'type' = 'git' AND a.source ->> 'deployKeyId' = k.id::text);
ALTER TABLE private_keys ALTER COLUMN purpose DROP DEFAULT;
