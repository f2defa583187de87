-- The run that started this one: a subworkflow node's run (the child's parent), or the failed run an
-- error workflow's run reports on. NULL for runs started by the API, a webhook, a schedule or the agent.
ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
CREATE INDEX runs_by_parent ON runs (tenant_id, parent_run_id, started_at DESC, run_id) WHERE parent_run_id IS NOT NULL;
