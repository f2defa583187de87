-- API keys. A key is a random 256-bit token shown once, when it is created; only its SHA-256 hash is
-- kept (a fast hash is enough for a random token of that size: see docs/api.md), with a short
-- non-secret prefix to tell keys apart in lists. Revoked keys stay, for the audit trail.
CREATE TABLE api_keys (
    tenant_id     TEXT        NOT NULL DEFAULT 'default',
    id            TEXT        NOT NULL,
    key_hash      TEXT        NOT NULL,
    prefix        TEXT        NOT NULL,
    principal     TEXT        NOT NULL,
    roles         TEXT[]      NOT NULL,
    groups        TEXT[]      NOT NULL DEFAULT '{}',
    description   TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by    TEXT        NOT NULL,
    expires_at    TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,
    revoked_by    TEXT,
    last_used_at  TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id)
);
-- Every request looks its key up by hash; a key names its tenant, so the hash is unique across tenants.
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);
CREATE INDEX api_keys_by_creation ON api_keys (tenant_id, created_at DESC, id);
