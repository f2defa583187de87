-- Credentials: secrets the http node sends (API keys, tokens, passwords), encrypted at rest by envelope
-- encryption (see docs/security.md). Each row has its own data key (a Tink AES256-GCM keyset), stored
-- only wrapped by the key-encryption key (KEK) whose key id is kek_key_id; the secret data is stored only
-- as ciphertext under that data key. Both are bound to (tenant_id, id) as associated data, so a row's
-- ciphertext copied into another row does not decrypt. public_data holds the non-secret fields a read may
-- show (an apiKey's header or parameter name and where it goes).
CREATE TABLE credentials (
    tenant_id     TEXT        NOT NULL DEFAULT 'default',
    name          TEXT        NOT NULL,
    id            TEXT        NOT NULL,
    type          TEXT        NOT NULL,
    public_data   JSONB       NOT NULL DEFAULT '{}',
    kek_key_id    BIGINT      NOT NULL,
    wrapped_key   BYTEA       NOT NULL,
    ciphertext    BYTEA       NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by    TEXT        NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by    TEXT        NOT NULL,
    last_used_at  TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, name),
    UNIQUE (tenant_id, id)
);
