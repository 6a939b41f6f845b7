-- M1 physical limit: set one variable of a random application and write its audit row, in one transaction (one
-- WAL flush). -D team=<uuid>.
\set n random(1, 1500)
BEGIN;
INSERT INTO environment_variables (team_id, scope, scope_id, key, value, secret, build_time)
VALUES (:team, 'APPLICATION', md5('berth-bench-app-' || :n)::uuid, 'LOG_LEVEL', 'pgb-' || :client_id || '-' || txid_current(), false, false)
ON CONFLICT (scope_id, key) DO UPDATE SET value = excluded.value;
INSERT INTO audit_events (id, team_id, action, resource_type, resource_id, details)
VALUES (gen_random_uuid(), :team, 'setEnvironmentVariables', 'EnvironmentVariables', md5('berth-bench-app-' || :n)::uuid::text,
        '{"input":{"scope":{"applicationId":"x"},"variables":[{"key":"LOG_LEVEL"}]}}');
COMMIT;
