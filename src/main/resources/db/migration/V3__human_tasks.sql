-- The inbox: one row per human task a run opened (an approval, a form, an ask after a failure), written
-- from the run's own node_waiting / node_escalated / node_decision events in the same transaction as
-- the event, and closed when the node moves on or the run ends. Who may act is decided by assignees
-- (principal ids, role:x, group:x); decided_by lists who has decided so far.
CREATE TABLE human_tasks (
    tenant_id     TEXT        NOT NULL DEFAULT 'default',
    run_id        TEXT        NOT NULL,
    node_id       TEXT        NOT NULL,
    ordinal       INT         NOT NULL,
    workflow_id   TEXT        NOT NULL,
    kind          TEXT        NOT NULL,
    title         TEXT        NOT NULL,
    description   TEXT,
    assignees     JSON        NOT NULL,
    actions       JSON        NOT NULL,
    allow_self    BOOLEAN     NOT NULL,
    started_by    TEXT,
    decided_by    JSON        NOT NULL DEFAULT '[]',
    details       JSON,
    status        TEXT        NOT NULL DEFAULT 'pending',
    opened_at     TIMESTAMPTZ NOT NULL,
    due_at        TIMESTAMPTZ,
    closed_at     TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, run_id, node_id, ordinal)
);
CREATE INDEX human_tasks_pending ON human_tasks (tenant_id, status, opened_at, run_id, node_id);
