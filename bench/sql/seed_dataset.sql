-- The benchmark's dataset, added to what bench/lib/seed.mjs made through the API (1 team, 50 projects x 3
-- environments, one server, one template application): 10 applications per environment (1,500), 20 deployments
-- each (30,000), 5 environment variables per application (7,500) and 200,000 deployment log lines (1,000 for the
-- latest deployment of each of the first 200 applications). Deterministic: ids are md5 of a name, so pgbench
-- scripts can compute them (application n, 1..1500: md5('berth-bench-app-' || n)::uuid), times are fixed.
-- Runs once: a second run finds the rows and adds nothing. psql variables: :team, :server, :template.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE bench_envs ON COMMIT DROP AS
SELECT e.id AS environment_id, e.project_id,
       row_number() OVER (ORDER BY p.name, e.name) AS k
FROM projects p JOIN environments e ON e.project_id = p.id AND e.deleted_at IS NULL
WHERE p.team_id = :'team' AND p.deleted_at IS NULL AND p.name ~ '^project-[0-9]{2}$';

DO $$ BEGIN
  IF (SELECT count(*) FROM bench_envs) <> 150 THEN RAISE EXCEPTION 'expected 50 projects x 3 environments, found % environments', (SELECT count(*) FROM bench_envs); END IF;
END $$;

INSERT INTO applications (id, team_id, project_id, environment_id, server_id, name, source, settings, status, created_at, updated_at)
SELECT md5('berth-bench-app-' || ((e.k - 1) * 10 + a))::uuid, :'team', e.project_id, e.environment_id, :'server',
       'app-' || lpad(a::text, 2, '0'),
       jsonb_set(t.source, '{image}', to_jsonb('registry.example.com/bench/app-' || a || ':1.' || (e.k % 7))),
       t.settings,
       CASE WHEN ((e.k - 1) * 10 + a) % 23 = 0 THEN 'FAILED' ELSE 'RUNNING' END,
       timestamptz '2026-01-01 00:00:00+00' + ((e.k - 1) * 10 + a) * interval '1 minute',
       timestamptz '2026-01-01 00:00:00+00' + ((e.k - 1) * 10 + a) * interval '1 minute'
FROM bench_envs e CROSS JOIN generate_series(1, 10) AS a, applications t
WHERE t.id = :'template'
ON CONFLICT (id) DO NOTHING;

INSERT INTO environment_variables (team_id, scope, scope_id, key, value, value_sealed, secret, build_time)
SELECT :'team', 'APPLICATION', md5('berth-bench-app-' || n)::uuid, v.key, v.value || n, NULL, false, v.build_time
FROM generate_series(1, 1500) AS n,
     (VALUES ('DATABASE_URL', 'postgres://app@db.internal:5432/app_', false), ('LOG_LEVEL', 'info-', false),
             ('WORKERS', '4', false), ('FEATURE_FLAGS', 'search,billing,', false), ('NODE_ENV', 'production-', true)) AS v(key, value, build_time)
ON CONFLICT (scope_id, key) DO NOTHING;

INSERT INTO deployments (id, team_id, project_id, application_id, server_id, number, status, reason, image, snapshot,
                         environment_sealed, diff, created_at, started_at, finished_at)
SELECT md5('berth-bench-deployment-' || a.n || '-' || d)::uuid, :'team', a.project_id, a.id, :'server', d,
       CASE WHEN d % 9 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END,
       CASE WHEN d % 9 = 0 THEN 'health check failed: GET /health answered 503' END,
       'sha256:' || md5(a.n || '-' || d) || md5(d || '-' || a.n),
       jsonb_build_object('name', a.name, 'source', a.source, 'settings', a.settings,
                          'environmentKeys', '["DATABASE_URL","FEATURE_FLAGS","LOG_LEVEL","NODE_ENV","WORKERS"]'::jsonb,
                          'secretKeys', '[]'::jsonb, 'image', 'sha256:' || md5(a.n || '-' || d)),
       'unused',
       CASE WHEN d > 1 THEN jsonb_build_array(jsonb_build_object('path', 'env.LOG_LEVEL', 'before', 'info-' || (d - 1), 'after', 'info-' || d)) ELSE '[]'::jsonb END,
       a.created_at + d * interval '1 hour', a.created_at + d * interval '1 hour' + interval '2 seconds',
       a.created_at + d * interval '1 hour' + interval '41 seconds'
FROM (SELECT x.*, n FROM generate_series(1, 1500) AS n JOIN applications x ON x.id = md5('berth-bench-app-' || n)::uuid) a
CROSS JOIN generate_series(1, 20) AS d
ON CONFLICT (id) DO NOTHING;

INSERT INTO deployment_logs (deployment_id, seq, team_id, at, stream, text)
SELECT md5('berth-bench-deployment-' || n || '-20')::uuid, s, :'team',
       timestamptz '2026-02-01 00:00:00+00' + s * interval '10 milliseconds',
       CASE WHEN s % 10 = 0 THEN 'STDERR' WHEN s = 1 THEN 'BERTH' ELSE 'STDOUT' END,
       CASE WHEN s = 1 THEN 'deployment 20 of app ' || n || ': pulling image'
            ELSE 'step ' || s || '/1000: ' || repeat(md5(n || ':' || s), 2) END
FROM generate_series(1, 200) AS n CROSS JOIN generate_series(1, 1000) AS s
ON CONFLICT DO NOTHING;
COMMIT;
ANALYZE applications; ANALYZE deployments; ANALYZE environment_variables; ANALYZE deployment_logs;
SELECT (SELECT count(*) FROM applications WHERE team_id = :'team' AND name ~ '^app-[0-9]{2}$') AS applications,
       (SELECT count(*) FROM deployments d JOIN applications a ON a.id = d.application_id WHERE a.team_id = :'team' AND a.name ~ '^app-[0-9]{2}$') AS deployments,
       (SELECT count(*) FROM environment_variables WHERE team_id = :'team' AND scope = 'APPLICATION') AS variables,
       (SELECT count(*) FROM deployment_logs WHERE team_id = :'team') AS log_lines;
