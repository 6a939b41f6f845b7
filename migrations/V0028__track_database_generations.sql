-- Every change of what a database should be increments its generation; the converge job records the generation it
-- made so (observed_generation) and writes what it saw only while no newer change came. A sweep re-queues databases
-- whose latest change no job has seen (one whose queueing was swallowed while a run was finishing).
-- restart_requested: a restart asked for, not yet done (a start of a running database does not restart it).
ALTER TABLE databases ADD COLUMN generation bigint NOT NULL DEFAULT 1;
ALTER TABLE databases ADD COLUMN observed_generation bigint NOT NULL DEFAULT 0;
ALTER TABLE databases ADD COLUMN restart_requested boolean NOT NULL DEFAULT false;
CREATE INDEX databases_unobserved ON databases (team_id) WHERE observed_generation < generation;
