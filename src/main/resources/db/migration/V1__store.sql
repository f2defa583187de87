-- Weft's store. Every table carries tenant_id from day one; until the security work adds tenants,
-- everything belongs to 'default'.

-- A workflow: its id, current version and whether it is archived. Versions are immutable.
CREATE TABLE workflows (
    tenant_id       TEXT        NOT NULL DEFAULT 'default',
    id              TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    latest_version  INT         NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    archived_at     TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE workflow_versions (
    tenant_id     TEXT        NOT NULL DEFAULT 'default',
    workflow_id   TEXT        NOT NULL,
    version       INT         NOT NULL,
    content_hash  TEXT        NOT NULL,
    definition    JSON        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by    TEXT        NOT NULL,
    PRIMARY KEY (tenant_id, workflow_id, version),
    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id)
);

-- Webhook paths of the current versions of active workflows: one workflow per path.
CREATE TABLE webhook_routes (
    tenant_id    TEXT NOT NULL DEFAULT 'default',
    path         TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, path),
    FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id)
);
CREATE UNIQUE INDEX webhook_routes_one_per_workflow ON webhook_routes (tenant_id, workflow_id);

-- The run index. run_id is the Temporal workflow id; the final state is kept so that a closed run
-- reads the same as an open one.
CREATE TABLE runs (
    tenant_id         TEXT        NOT NULL DEFAULT 'default',
    run_id            TEXT        NOT NULL,
    temporal_run_id   TEXT,
    workflow_id       TEXT        NOT NULL,
    version           INT         NOT NULL,
    status            TEXT        NOT NULL,
    trigger           TEXT        NOT NULL DEFAULT 'api',
    idempotency_key   TEXT,
    request_hash      TEXT,
    started_at        TIMESTAMPTZ NOT NULL,
    ended_at          TIMESTAMPTZ,
    state             JSON,
    PRIMARY KEY (tenant_id, run_id)
);
CREATE INDEX runs_by_workflow ON runs (tenant_id, workflow_id, started_at DESC, run_id);
CREATE INDEX runs_by_status ON runs (tenant_id, status, started_at DESC, run_id);
CREATE INDEX runs_by_start ON runs (tenant_id, started_at DESC, run_id);

-- The durable event log of runs. One row per (run, node, attempt, kind): writers insert with
-- ON CONFLICT DO NOTHING, so a retried activity or a re-executed local activity never duplicates a row.
-- node_id is '' for run-level events. seq orders a run's events (writers of one run are serialised by
-- an advisory lock, so seq order is commit order) and is the SSE event id.
CREATE TABLE run_events (
    seq          BIGSERIAL   PRIMARY KEY,
    tenant_id    TEXT        NOT NULL DEFAULT 'default',
    run_id       TEXT        NOT NULL,
    node_id      TEXT        NOT NULL DEFAULT '',
    attempt      INT         NOT NULL DEFAULT 0,
    kind         TEXT        NOT NULL,
    node_type    TEXT,
    at           TIMESTAMPTZ NOT NULL,
    duration_ms  BIGINT,
    input        JSON,
    output       JSON,
    error        JSON,
    data         JSON,
    UNIQUE (tenant_id, run_id, node_id, attempt, kind)
);
CREATE INDEX run_events_by_run ON run_events (tenant_id, run_id, seq);

-- Claim-checked node outputs: too large for workflow history, referenced from it by key.
CREATE TABLE payloads (
    tenant_id   TEXT        NOT NULL DEFAULT 'default',
    key         TEXT        NOT NULL,
    run_id      TEXT        NOT NULL,
    node_id     TEXT        NOT NULL,
    attempt     INT         NOT NULL,
    bytes       INT         NOT NULL,
    value       JSON        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (key)
);
CREATE INDEX payloads_by_run ON payloads (tenant_id, run_id);

-- Who did what: definitions saved and archived, runs started and cancelled, and (later) decisions
-- and key changes.
CREATE TABLE audit_log (
    id           BIGSERIAL   PRIMARY KEY,
    tenant_id    TEXT        NOT NULL DEFAULT 'default',
    at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    principal    TEXT        NOT NULL,
    action       TEXT        NOT NULL,
    target_type  TEXT        NOT NULL,
    target_id    TEXT        NOT NULL,
    run_id       TEXT,
    node_id      TEXT,
    details      JSON
);
CREATE INDEX audit_log_by_time ON audit_log (tenant_id, at DESC);
CREATE INDEX audit_log_by_target ON audit_log (tenant_id, target_type, target_id);
