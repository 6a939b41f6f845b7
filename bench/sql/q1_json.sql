-- Q1 physical limit: PostgreSQL builds Q1's whole answer as JSON itself, in one statement (same rows, same order,
-- same edges/node nesting as Berth's answer): first 20 live projects -> live environments by name -> first 10 live
-- applications by id -> latest 5 deployments by number. -D team=<uuid>.
SELECT json_build_object('projects', json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
  'id', p.id, 'name', p.name, 'environments', (
    SELECT coalesce(json_agg(json_build_object('id', e.id, 'name', e.name, 'applications', json_build_object('edges', (
      SELECT coalesce(json_agg(json_build_object('node', json_build_object('id', a.id, 'name', a.name, 'status', a.status, 'deployments', (
        SELECT coalesce(json_agg(json_build_object('id', d.id, 'status', d.status, 'createdAt', d.created_at) ORDER BY d.number DESC), '[]')
        FROM (SELECT id, status, created_at, number FROM deployments
              WHERE team_id = :team AND application_id = a.id ORDER BY number DESC LIMIT 5) d))) ORDER BY a.id), '[]')
      FROM (SELECT id, name, status FROM applications
            WHERE team_id = :team AND environment_id = e.id AND deleted_at IS NULL ORDER BY id LIMIT 10) a))) ORDER BY e.name), '[]')
    FROM environments e WHERE e.team_id = :team AND e.project_id = p.id AND e.deleted_at IS NULL)))
  ORDER BY p.id), '[]')))
FROM (SELECT id, name FROM projects WHERE team_id = :team AND deleted_at IS NULL ORDER BY id LIMIT 20) p;
