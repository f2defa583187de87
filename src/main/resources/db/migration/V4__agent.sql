-- The orchestrator agent's conversations. Each belongs to the principal that started it; only that
-- principal reads or continues it. Messages are the model's view of the conversation: user and
-- assistant text, the assistant's tool calls and each tool's result. Once a conversation is long, its
-- older messages are folded into summary (summarized_through = the last seq folded in). busy_until:
-- a reply is being made (one at a time per conversation; the claim lapses if its process died).
CREATE TABLE agent_conversations (
    tenant_id          TEXT        NOT NULL DEFAULT 'default',
    id                 TEXT        NOT NULL,
    owner              TEXT        NOT NULL,
    title              TEXT        NOT NULL,
    summary            TEXT,
    summarized_through BIGINT      NOT NULL DEFAULT 0,
    turns              INT         NOT NULL DEFAULT 0,
    busy_until         TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX agent_conversations_owner ON agent_conversations (tenant_id, owner, updated_at DESC);

CREATE TABLE agent_messages (
    seq             BIGSERIAL   PRIMARY KEY,
    tenant_id       TEXT        NOT NULL DEFAULT 'default',
    conversation_id TEXT        NOT NULL,
    turn            INT         NOT NULL,
    role            TEXT        NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
    content         TEXT,
    tool_calls      JSON,
    tool_call_id    TEXT,
    tool_name       TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES agent_conversations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX agent_messages_conversation ON agent_messages (tenant_id, conversation_id, seq);

-- Workflows the agent generated in a conversation and has not saved: saving takes the checked
-- definition from here, never one the model retypes.
CREATE TABLE agent_drafts (
    tenant_id       TEXT        NOT NULL DEFAULT 'default',
    id              TEXT        NOT NULL,
    conversation_id TEXT        NOT NULL,
    turn            INT         NOT NULL,
    workflow_id     TEXT,
    definition      JSON        NOT NULL,
    ok              BOOLEAN     NOT NULL,
    saved_as        TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES agent_conversations (tenant_id, id) ON DELETE CASCADE
);
