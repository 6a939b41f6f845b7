-- Q2 physical limit: the three statements a hand-written server would send for one random application of the
-- 1,500 (ids are md5('berth-bench-app-' || n), see seed_dataset.sql): the application, its variables' keys and
-- secret flags, its latest 10 deployments. -D team=<uuid>.
\set n random(1, 1500)
SELECT id, name, status FROM applications
WHERE team_id = :team AND id = md5('berth-bench-app-' || :n)::uuid AND deleted_at IS NULL;
SELECT key, secret FROM environment_variables
WHERE team_id = :team AND scope_id = md5('berth-bench-app-' || :n)::uuid ORDER BY key;
SELECT id, status, created_at FROM deployments
WHERE team_id = :team AND application_id = md5('berth-bench-app-' || :n)::uuid ORDER BY number DESC LIMIT 10;
