#!/usr/bin/env bash
# A Temporal server 1.32 persisting to PostgreSQL (the setup benchmarks use): creates or upgrades its
# two databases with temporal-sql-tool, starts the server on 127.0.0.1 (config: temporal/config/
# postgres.yaml), creates the namespace and registers Weft's search attributes.
#
#   temporal/postgres-server.sh start    # schema, server, namespace, search attributes; returns when ready
#   temporal/postgres-server.sh schema   # only create/upgrade the databases
#   temporal/postgres-server.sh status   # exit 0 when it runs and answers, 3 when it is not running, 1 otherwise
#   temporal/postgres-server.sh stop
#
# Then: TEMPORAL_ADDRESS=127.0.0.1:7233 ./mvnw spring-boot:run
#
# Environment (defaults):
#   WEFT_PG_HOST 127.0.0.1  WEFT_PG_PORT 5432  WEFT_PG_USER temporal  WEFT_PG_PASSWORD temporal
#       a PostgreSQL role that may create databases (or owns the two below)
#   WEFT_TEMPORAL_DB temporal  WEFT_TEMPORAL_VISIBILITY_DB temporal_visibility
#   WEFT_TEMPORAL_NAMESPACE default   WEFT_TEMPORAL_RETENTION 72h   namespace and its retention
#   WEFT_TEMPORAL_PORT 7233  WEFT_TEMPORAL_HTTP_PORT 7243  WEFT_TEMPORAL_METRICS_PORT 7244
#   WEFT_TEMPORAL_PORT_BASE 6933      internal ports: membership 6933-6936, history/matching/worker 6943-6945
#   WEFT_TEMPORAL_HISTORY_SHARDS 4    fixed when the cluster is first created
#   WEFT_TEMPORAL_LOG_LEVEL warn
#   WEFT_TEMPORAL_STATE_DIR ${WEFT_CACHE_DIR:-~/.cache/weft}/temporal/postgres-state   pid file and log
#   WEFT_TEMPORAL_START_TIMEOUT 90    seconds to wait for the frontend
#   TEMPORAL_CLI                      a temporal binary to use instead of install.sh's
set -euo pipefail
# shellcheck source=temporal/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

export WEFT_PG_HOST="${WEFT_PG_HOST:-127.0.0.1}"
export WEFT_PG_PORT="${WEFT_PG_PORT:-5432}"
export WEFT_PG_USER="${WEFT_PG_USER:-temporal}"
export WEFT_PG_PASSWORD="${WEFT_PG_PASSWORD:-temporal}"
export WEFT_TEMPORAL_DB="${WEFT_TEMPORAL_DB:-temporal}"
export WEFT_TEMPORAL_VISIBILITY_DB="${WEFT_TEMPORAL_VISIBILITY_DB:-temporal_visibility}"
export WEFT_TEMPORAL_PORT="${WEFT_TEMPORAL_PORT:-7233}"
export WEFT_TEMPORAL_HTTP_PORT="${WEFT_TEMPORAL_HTTP_PORT:-7243}"
export WEFT_TEMPORAL_METRICS_PORT="${WEFT_TEMPORAL_METRICS_PORT:-7244}"
export WEFT_TEMPORAL_PORT_BASE="${WEFT_TEMPORAL_PORT_BASE:-6933}"
export WEFT_TEMPORAL_HISTORY_SHARDS="${WEFT_TEMPORAL_HISTORY_SHARDS:-4}"
export WEFT_TEMPORAL_LOG_LEVEL="${WEFT_TEMPORAL_LOG_LEVEL:-warn}"
export WEFT_TEMPORAL_DYNAMIC_CONFIG="${WEFT_TEMPORAL_DYNAMIC_CONFIG:-$TEMPORAL_SCRIPTS_DIR/dynamicconfig/development-sql.yaml}"
NAMESPACE="${WEFT_TEMPORAL_NAMESPACE:-default}"
RETENTION="${WEFT_TEMPORAL_RETENTION:-72h}"
STATE_DIR="${WEFT_TEMPORAL_STATE_DIR:-${WEFT_CACHE_DIR:-$HOME/.cache/weft}/temporal/postgres-state}"
TIMEOUT="${WEFT_TEMPORAL_START_TIMEOUT:-90}"
CONFIG="$TEMPORAL_SCRIPTS_DIR/config/postgres.yaml"
PIDFILE="$STATE_DIR/temporal-server.pid"
# The frontend and PostgreSQL a started server uses, so that status needs not be given the same environment.
ENDPOINTS="$STATE_DIR/endpoints"
LOGFILE="$STATE_DIR/temporal-server.log"
ADDRESS="127.0.0.1:$WEFT_TEMPORAL_PORT"

# The tools' paths, from install.sh (which installs them on first use), resolved once.
CLI_BIN="" SERVER_BIN="" SQL_TOOL_BIN="" SCHEMA_DIR=""
resolve_tools() {
  local out
  out=$("$TEMPORAL_SCRIPTS_DIR/install.sh")
  CLI_BIN=${TEMPORAL_CLI:-$(installed_path temporal "$out")}
  SERVER_BIN=$(installed_path temporal-server "$out")
  SQL_TOOL_BIN=$(installed_path temporal-sql-tool "$out")
  SCHEMA_DIR=$(installed_path schema "$out")
}
cli() { "$CLI_BIN" "$@"; }

# Runs a command until it succeeds, at most $1 seconds; its last output goes to stderr when it gives up.
retry() {
  local deadline=$((SECONDS + $1)) out
  shift
  until out=$("$@" 2>&1); do
    if ((SECONDS >= deadline)); then
      echo "$out" >&2
      return 1
    fi
    sleep 1
  done
  printf '%s\n' "$out"
}

sql_tool() {
  "$SQL_TOOL_BIN" --plugin postgres12 --endpoint "$WEFT_PG_HOST" --port "$WEFT_PG_PORT" \
    --user "$WEFT_PG_USER" --password "$WEFT_PG_PASSWORD" "$@"
}

# Creates database $1 when missing, then sets up or upgrades its schema from schema dir $2.
schema_of() {
  local db=$1 dir=$2 out
  if ! out=$(sql_tool --database "$db" create-database 2>&1); then
    grep -q "already exists" <<<"$out" || die "create-database $db failed: $out"
  fi
  # setup-schema -v 0.0 creates only the version tables (and is a no-op when they exist);
  # update-schema applies every versioned step above the recorded version.
  sql_tool --database "$db" setup-schema -v 0.0 >/dev/null 2>&1 || true
  out=$(sql_tool --database "$db" update-schema -d "$dir" 2>&1) || die "update-schema $db failed: $out"
  note "database $db: schema up to date"
}

schema() {
  schema_of "$WEFT_TEMPORAL_DB" "$SCHEMA_DIR/temporal/versioned"
  schema_of "$WEFT_TEMPORAL_VISIBILITY_DB" "$SCHEMA_DIR/visibility/versioned"
}

namespace_and_search_attributes() {
  if ! cli operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
    cli operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION" >/dev/null
    note "namespace $NAMESPACE created (retention $RETENTION)"
  fi
  # A new namespace reaches every service's namespace cache within seconds: wait for it.
  local existing sa name type
  existing=$(retry "$TIMEOUT" cli operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE") \
    || die "namespace $NAMESPACE did not become usable within ${TIMEOUT}s"
  for sa in "${WEFT_SEARCH_ATTRIBUTES[@]}"; do
    name=${sa%%=*} type=${sa#*=}
    if grep -qE "^[[:space:]]*${name}[[:space:]]+${type}[[:space:]]*$" <<<"$existing"; then continue; fi
    retry "$TIMEOUT" cli operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --name "$name" --type "$type" >/dev/null || die "could not register search attribute $name"
    note "search attribute $name ($type) registered"
  done
  # A registered attribute reaches the frontend's namespace cache seconds later; until then a start that
  # sets it fails ("Namespace default has no mapping defined for search attribute WeftStatus"). Return
  # only once a query over all of them is accepted: then starts are too.
  local query=""
  for sa in "${WEFT_SEARCH_ATTRIBUTES[@]}"; do
    name=${sa%%=*} type=${sa#*=}
    [[ -n "$query" ]] && query+=" AND "
    if [[ "$type" == Int ]]; then query+="$name = 0"; else query+="$name = 'probe'"; fi
  done
  retry "$TIMEOUT" cli workflow count --address "$ADDRESS" --namespace "$NAMESPACE" --query "$query" >/dev/null \
    || die "Weft's search attributes did not become usable within ${TIMEOUT}s"
}

# Reads what the running server was started with ($ADDRESS, and $PG_ENDPOINT for PostgreSQL).
PG_ENDPOINT="$WEFT_PG_HOST:$WEFT_PG_PORT"
recorded_endpoints() {
  if [[ -f "$ENDPOINTS" ]]; then { read -r ADDRESS; read -r PG_ENDPOINT; } <"$ENDPOINTS"; fi
}

start() {
  if pid_alive "$PIDFILE"; then
    recorded_endpoints
    note "already running (pid $(cat "$PIDFILE")) at $ADDRESS"
  else
    mkdir -p "$STATE_DIR"
    schema
    # setsid: the server outlives this shell and gets no signal meant for the caller's terminal.
    setsid "$SERVER_BIN" --config-file "$CONFIG" --allow-no-auth start \
      </dev/null >>"$LOGFILE" 2>&1 &
    echo $! >"$PIDFILE"
    printf '%s\n%s\n' "$ADDRESS" "$PG_ENDPOINT" >"$ENDPOINTS"
    if ! wait_healthy "$CLI_BIN" "$ADDRESS" "$TIMEOUT" "$PIDFILE" "$LOGFILE"; then
      stop_pid "$PIDFILE" 10 || true
      die "start failed"
    fi
  fi
  namespace_and_search_attributes
  echo "Temporal server (PostgreSQL $PG_ENDPOINT) running (pid $(cat "$PIDFILE")): frontend $ADDRESS, namespace $NAMESPACE, log $LOGFILE"
}

status() {
  if ! pid_alive "$PIDFILE"; then
    echo "not running"
    return 3
  fi
  recorded_endpoints
  if cli operator cluster health --address "$ADDRESS" >/dev/null 2>&1; then
    echo "running (pid $(cat "$PIDFILE")): frontend $ADDRESS, PostgreSQL $PG_ENDPOINT"
  else
    echo "pid $(cat "$PIDFILE") runs but the frontend at $ADDRESS does not answer (log: $LOGFILE)"
    return 1
  fi
}

stop() {
  rm -f "$ENDPOINTS"
  if stop_pid "$PIDFILE" 30; then echo "stopped"; else echo "not running"; fi
}

case "${1:-}" in
  start) resolve_tools; start ;;
  schema) resolve_tools; schema ;;
  stop) stop ;;
  status) resolve_tools; status ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
