-- Configuration diffs stored before a change recorded whether its variable was the team's: the changes of keys that
-- are team variables now are marked, so a token limited to some projects sees "(team variable)" instead of their
-- values (dev.berth.application.VariableReach). A team key deleted since cannot be told apart and stays unmarked.
UPDATE deployments d
   SET diff = (SELECT jsonb_agg(CASE WHEN EXISTS (SELECT 1 FROM environment_variables v
                                                   WHERE v.team_id = d.team_id AND v.scope = 'TEAM' AND 'env.' || v.key = c ->> 'path')
                                      THEN c || '{"team": true}'::jsonb ELSE c END ORDER BY n)
                 FROM jsonb_array_elements(d.diff) WITH ORDINALITY AS e(c, n))
 WHERE jsonb_typeof(d.diff) = 'array' AND jsonb_array_length(d.diff) > 0;
