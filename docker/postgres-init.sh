#!/bin/sh
# Runs once, when the postgres service initialises its data volume: Weft's own role and database next
# to the superuser the Temporal server uses.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$WEFT_DB_PASSWORD" <<'SQL'
CREATE ROLE weft LOGIN PASSWORD :'pw';
CREATE DATABASE weft OWNER weft;
SQL
# pgvector for knowledge-base similarity search (docs/knowledge.md); creating it needs the superuser.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname weft -c 'CREATE EXTENSION IF NOT EXISTS vector;'
