-- The agent node's memory: the conversation an agent keeps per key (e.g. a chat id) across runs, per
-- workflow and tenant. One row per node execution that added to it (its prompt and its final answer);
-- an append retried by Temporal finds its row and adds nothing.
CREATE TABLE agent_memory (
    seq         BIGSERIAL   PRIMARY KEY,
    tenant_id   TEXT        NOT NULL DEFAULT 'default',
    workflow_id TEXT        NOT NULL,
    memory_key  TEXT        NOT NULL,
    run_id      TEXT        NOT NULL,
    node_key    TEXT        NOT NULL,
    messages    JSON        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, workflow_id, memory_key, run_id, node_key)
);

CREATE INDEX agent_memory_recent ON agent_memory (tenant_id, workflow_id, memory_key, seq);
