-- Knowledge bases (docs/knowledge.md): documents split into overlapping chunks, each with its text, a
-- full-text vector (english configuration) and, when the knowledge base names an embedding profile, the
-- embedding as real[] (dims = its length). Similarity over real[] is exact cosine in SQL (kb_cosine); where
-- the pgvector extension is available Weft creates it at start and adds an HNSW index per dimension over
-- embedding::vector(dims) (dev.weft.knowledge.VectorSupport), so nothing here needs the extension.
CREATE TABLE knowledge_bases (
    tenant_id       TEXT        NOT NULL DEFAULT 'default',
    id              TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    description     TEXT,
    embedding_model TEXT,
    chunk_size      INT         NOT NULL,
    chunk_overlap   INT         NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by      TEXT        NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE kb_documents (
    tenant_id     TEXT        NOT NULL DEFAULT 'default',
    id            TEXT        NOT NULL,
    kb_id         TEXT        NOT NULL,
    name          TEXT        NOT NULL,
    content_type  TEXT        NOT NULL,
    bytes         BIGINT      NOT NULL,
    chars         BIGINT      NOT NULL,
    chunks        INT         NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by    TEXT        NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, kb_id) REFERENCES knowledge_bases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX kb_documents_kb ON kb_documents (tenant_id, kb_id, created_at);

CREATE TABLE kb_chunks (
    tenant_id    TEXT     NOT NULL DEFAULT 'default',
    id           TEXT     NOT NULL,
    kb_id        TEXT     NOT NULL,
    document_id  TEXT     NOT NULL,
    ordinal      INT      NOT NULL,
    content      TEXT     NOT NULL,
    tsv          TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
    embedding    REAL[],
    dims         INT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES kb_documents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX kb_chunks_kb ON kb_chunks (tenant_id, kb_id);
CREATE INDEX kb_chunks_tsv ON kb_chunks USING gin (tsv);

-- Cosine similarity of two vectors of the same length; NULL when either is all zeros.
CREATE FUNCTION kb_cosine(a REAL[], b REAL[]) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT sum(x::float8 * y) / NULLIF(sqrt(sum(x::float8 * x)) * sqrt(sum(y::float8 * y)), 0)
    FROM unnest(a, b) AS t(x, y)
$$;
