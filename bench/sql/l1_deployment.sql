-- A deployment that never finishes (no job runs it) for the L1 log fan-out: its lines are published straight to its
-- channel by bench/lib/fanout.mjs (the part after the batch insert that a running deployment performs).
-- :team, :app, :server, :project and :deployment are psql variables.
INSERT INTO deployments (id, team_id, project_id, application_id, server_id, number, status, snapshot, environment_sealed)
SELECT :'deployment', :'team', :'project', :'app', :'server', coalesce(max(number), 0) + 1, 'BUILDING',
       '{"name":"l1","source":{"type":"image","image":"busybox","registryId":null},"settings":{"ports":[],"command":null,"healthCheck":null,"restartPolicy":"NO","cpuLimit":null,"memoryLimitMiB":null,"labels":{},"volumes":[]},"environmentKeys":[],"secretKeys":[],"image":null}',
       'unused'
FROM deployments WHERE application_id = :'app';
