# shellcheck shell=bash
# Shared by temporal/dev-server.sh and temporal/postgres-server.sh (sourced, not run).

# Weft's search attributes, NAME=TYPE: the same list as dev.weft.engine.TemporalNames.SEARCH_ATTRIBUTES
# (ComposeFileTest keeps this list, docker-compose.yml and the Java one equal).
# shellcheck disable=SC2034 # used by the scripts that source this file
WEFT_SEARCH_ATTRIBUTES=(
  WeftWorkflowId=Keyword
  WeftWorkflowVersion=Int
  WeftStatus=Keyword
  WeftWaitingNodes=KeywordList
  WeftTenant=Keyword
)

TEMPORAL_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
note() { echo "$(basename "$0"): $*" >&2; }

# The value of NAME= in install.sh's output.
installed_path() { sed -n "s/^$1=//p" <<<"$2"; }

# The Temporal CLI: $TEMPORAL_CLI when set, else the pinned one from install.sh (installed on first use).
temporal_cli() {
  if [[ -n "${TEMPORAL_CLI:-}" ]]; then
    echo "$TEMPORAL_CLI"
  else
    installed_path temporal "$("$TEMPORAL_SCRIPTS_DIR/install.sh" --cli-only)"
  fi
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits until the frontend at $2 answers a health check, at most $3 seconds, while the process of pid
# file $4 lives. $1 = CLI. Prints the server log's tail ($5) and fails when it gives up.
wait_healthy() {
  local cli=$1 address=$2 timeout=$3 pidfile=$4 logfile=$5 deadline=$((SECONDS + $3))
  until "$cli" operator cluster health --address "$address" >/dev/null 2>&1; do
    if ! pid_alive "$pidfile"; then
      tail -n 40 "$logfile" >&2 || true
      note "the server exited during start-up (log: $logfile)"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$logfile" >&2 || true
      note "the server did not answer at $address within ${timeout}s (log: $logfile)"
      return 1
    fi
    sleep 1
  done
}

# Stops the process of pid file $1 (TERM, then KILL after $2 seconds) and removes the file.
stop_pid() {
  local pidfile=$1 grace=$2 pid
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    return 1
  fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    note "pid $pid still running after ${grace}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}
