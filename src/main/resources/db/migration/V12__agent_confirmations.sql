-- Consequential actions the orchestrator agent proposed and that wait for the user's consent. A tool
-- call such as save_workflow does nothing but store its checked arguments here; the action runs only
-- when the conversation's owner confirms this id (POST .../confirmations/{id}, or a later reply the
-- model maps to the id with its confirm tool). turn: the turn that proposed it — a confirmation in the
-- same turn is refused. status: pending until confirmed or declined; a pending row past expires_at is
-- expired and can no longer run. result: what the action answered once it ran. Ids are numbered per
-- conversation (confirmation-1, -2, ...: short for a model to repeat), like drafts.
CREATE TABLE agent_confirmations (
    tenant_id       TEXT        NOT NULL DEFAULT 'default',
    id              TEXT        NOT NULL,
    conversation_id TEXT        NOT NULL,
    owner           TEXT        NOT NULL,
    turn            INT         NOT NULL,
    action          TEXT        NOT NULL,
    arguments       JSON        NOT NULL,
    summary         TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'declined')),
    result          JSON,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    decided_at      TIMESTAMPTZ,
    decided_by      TEXT,
    decided_via     TEXT        CHECK (decided_via IN ('endpoint', 'chat')),
    PRIMARY KEY (tenant_id, conversation_id, id),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES agent_conversations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX agent_confirmations_conversation ON agent_confirmations (tenant_id, conversation_id, created_at);

-- Draft ids are numbered per conversation (draft-1, ...): V4 keyed them per tenant, so a second
-- conversation's first draft collided with the first one's.
ALTER TABLE agent_drafts DROP CONSTRAINT agent_drafts_pkey;
ALTER TABLE agent_drafts ADD PRIMARY KEY (tenant_id, conversation_id, id);
