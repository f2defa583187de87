#!/usr/bin/env bash
# A local Temporal development server (the CLI's `temporal server start-dev`: server 1.32.0 on SQLite
# with the Web UI) with Weft's search attributes, its state in a file that survives restarts.
#
#   temporal/dev-server.sh start    # starts it in the background, returns when the frontend answers
#   temporal/dev-server.sh status   # exit 0 when it runs and answers, 3 when it is not running, 1 otherwise
#   temporal/dev-server.sh stop
#
# Then: TEMPORAL_ADDRESS=127.0.0.1:7233 ./mvnw spring-boot:run   (UI: http://127.0.0.1:8233)
#
# Environment (defaults):
#   WEFT_TEMPORAL_IP            127.0.0.1   address every port binds to
#   WEFT_TEMPORAL_PORT          7233        frontend gRPC
#   WEFT_TEMPORAL_UI_PORT       8233        Web UI
#   WEFT_TEMPORAL_HTTP_PORT     7243        frontend HTTP API
#   WEFT_TEMPORAL_METRICS_PORT  7234        Prometheus /metrics
#   WEFT_TEMPORAL_STATE_DIR     ${WEFT_CACHE_DIR:-~/.cache/weft}/temporal/dev-state   database, pid file, log
#   WEFT_TEMPORAL_START_TIMEOUT 60          seconds to wait for the frontend
#   WEFT_TEMPORAL_TRANSFER_POLL_RPS 1000    history.transferProcessorMaxPollRPS (the server's default, 20,
#                                           puts every workflow task on a ~50 ms cycle: docs/performance.md)
#   TEMPORAL_CLI                            a temporal binary to use instead of install.sh's
set -euo pipefail
# shellcheck source=temporal/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

IP="${WEFT_TEMPORAL_IP:-127.0.0.1}"
PORT="${WEFT_TEMPORAL_PORT:-7233}"
UI_PORT="${WEFT_TEMPORAL_UI_PORT:-8233}"
HTTP_PORT="${WEFT_TEMPORAL_HTTP_PORT:-7243}"
METRICS_PORT="${WEFT_TEMPORAL_METRICS_PORT:-7234}"
STATE_DIR="${WEFT_TEMPORAL_STATE_DIR:-${WEFT_CACHE_DIR:-$HOME/.cache/weft}/temporal/dev-state}"
TIMEOUT="${WEFT_TEMPORAL_START_TIMEOUT:-60}"
TRANSFER_POLL_RPS="${WEFT_TEMPORAL_TRANSFER_POLL_RPS:-1000}"
PIDFILE="$STATE_DIR/temporal.pid"
LOGFILE="$STATE_DIR/temporal.log"
DBFILE="$STATE_DIR/temporal.db"
ADDRESS="$IP:$PORT"

start() {
  if pid_alive "$PIDFILE"; then
    note "already running (pid $(cat "$PIDFILE")) at $ADDRESS"
    return 0
  fi
  local cli sa args=()
  cli=$(temporal_cli)
  mkdir -p "$STATE_DIR"
  for sa in "${WEFT_SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
  # setsid: the server outlives this shell and gets no signal meant for the caller's terminal.
  setsid "$cli" server start-dev \
    --ip "$IP" --port "$PORT" --ui-port "$UI_PORT" --http-port "$HTTP_PORT" --metrics-port "$METRICS_PORT" \
    --db-filename "$DBFILE" --namespace default --ui-disable-news-fetch "${args[@]}" \
    --dynamic-config-value "history.transferProcessorMaxPollRPS=$TRANSFER_POLL_RPS" \
    </dev/null >>"$LOGFILE" 2>&1 &
  echo $! >"$PIDFILE"
  if ! wait_healthy "$cli" "$ADDRESS" "$TIMEOUT" "$PIDFILE" "$LOGFILE"; then
    stop_pid "$PIDFILE" 10 || true
    die "start failed"
  fi
  echo "Temporal dev server running (pid $(cat "$PIDFILE")): frontend $ADDRESS, UI http://$IP:$UI_PORT, state $DBFILE, log $LOGFILE"
}

status() {
  if ! pid_alive "$PIDFILE"; then
    echo "not running"
    return 3
  fi
  local cli
  cli=$(temporal_cli)
  if "$cli" operator cluster health --address "$ADDRESS" >/dev/null 2>&1; then
    echo "running (pid $(cat "$PIDFILE")): frontend $ADDRESS, UI http://$IP:$UI_PORT, state $DBFILE"
  else
    echo "pid $(cat "$PIDFILE") runs but the frontend at $ADDRESS does not answer (log: $LOGFILE)"
    return 1
  fi
}

stop() {
  if stop_pid "$PIDFILE" 30; then echo "stopped"; else echo "not running"; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
