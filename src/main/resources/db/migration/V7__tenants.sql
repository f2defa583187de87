-- Tenants. Every row of every table names its tenant (tenant_id, since V1); this table says which
-- tenants exist, their tier (the rate limits and budgets they get; NULL = the configured default tier)
-- and whether they are disabled (their keys and tokens stop working; their data stays).
CREATE TABLE tenants (
    id           TEXT        PRIMARY KEY,
    name         TEXT        NOT NULL,
    tier         TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by   TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    disabled_at  TIMESTAMPTZ,
    disabled_by  TEXT
);
-- The tenant every install has: everything written before tenants existed is its.
INSERT INTO tenants (id, name, created_by) VALUES ('default', 'Default', 'system');

-- Runs of a tenant that are still open, for the start-up sweep (it goes tenant by tenant).
CREATE INDEX runs_open ON runs (tenant_id, started_at) WHERE state IS NULL;
