-- N1 physical limit on Berth's own tables: first 20 live projects of a team -> their live environments,
-- one statement, 60 rows. Run against $BERTH_BENCH_DB with -D team=<uuid> (bench/run.sh does it).
SELECT p.id, p.name, e.id, e.name
FROM (SELECT id, name FROM projects WHERE team_id = :team AND deleted_at IS NULL ORDER BY id LIMIT 20) p
JOIN environments e ON e.project_id = p.id AND e.team_id = :team AND e.deleted_at IS NULL
ORDER BY p.id, e.name;
