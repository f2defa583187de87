-- Rate limits and LLM budgets (dev.weft.limits, docs/security.md "Rate limits and budgets").
--
-- rate_limit_buckets: Bucket4j's token buckets, one row per key such as
-- 'run-starts:50:t:acme:p:alice' (limit, per-minute number, tenant, principal) or
-- 'webhook:300:t:acme:path:orders/new'. Bucket4j's PostgreSQL proxy manager locks the row
-- (SELECT ... FOR UPDATE) for each consumption, so every Weft instance over this database shares one
-- bucket. state is Bucket4j's serialized state; expires_at (epoch milliseconds) is when the bucket
-- would be full again, after which the row is worth nothing and a periodic sweep deletes it.
CREATE TABLE rate_limit_buckets (
    id          TEXT   PRIMARY KEY,
    state       BYTEA,
    expires_at  BIGINT
);
CREATE INDEX rate_limit_buckets_expires_at ON rate_limit_buckets (expires_at);

-- llm_usage: the model tokens (prompt + completion) each tenant used on each UTC day, added to
-- atomically after every model call (LLM nodes, generation, the agent); the day's budget is checked
-- against it before each call.
CREATE TABLE llm_usage (
    tenant_id   TEXT        NOT NULL,
    day         DATE        NOT NULL,
    tokens      BIGINT      NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, day)
);
