-- Insights (GET /api/insights/costs) sum the LLM usage that model-calling nodes write into the output of
-- their node_attempt_completed events, over a time range: this index holds only those events. The run
-- range queries use runs_by_start (V1) and the human-wait query the human_tasks primary key.
CREATE INDEX run_events_llm_usage ON run_events (tenant_id, at)
    WHERE kind = 'node_attempt_completed' AND (node_type LIKE 'llm.%' OR node_type = 'agent');
