-- Console sign-ins: the browser holds a random session token in an HttpOnly cookie; this table holds its
-- SHA-256 hash (never the token), who signed in (as the key or token said at sign-in), the CSRF token the
-- console sends back on every change, and when the session ends. A session made from an API key names the
-- key, so revoking the key ends the session at its next request.
CREATE TABLE console_sessions (
    token_hash   TEXT        PRIMARY KEY,
    tenant_id    TEXT        NOT NULL REFERENCES tenants (id),
    principal    TEXT        NOT NULL,
    roles        TEXT[]      NOT NULL,
    groups       TEXT[]      NOT NULL,
    key_id       TEXT,
    csrf_token   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
