#!/usr/bin/env bash
# The packaged jar started as users start it (deploy/start.sh; the embedded default in a fresh data dir): /health UP,
# every schema file's types answered by GraphQL, a clean stop on SIGTERM, then a second start from the class cache the
# first one wrote. The tests run Berth from its classes folder; this is the one place the jar itself runs (its listing
# read once at start, application.yml and the schema read from it). Prints each start's time to /health UP.
#   scripts/smoke-jar.sh [JAR]     (default: the jar in target/; SMOKE_PORT, default 18080)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-$(ls target/berth-*.jar | grep -v '/original-' | head -1)}
[ -f "$jar" ] || { echo "FATAL: no jar to start ($jar)" >&2; exit 1; }
port=${SMOKE_PORT:-18080}
data=$(mktemp -d)
pid=
cleanup() { if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; ended 30 || kill -KILL "$pid"; wait "$pid" || true; fi; rm -rf "$data"; }
trap cleanup EXIT

graphql() { curl -fsS -m 10 -H 'content-type: application/json' -d "$1" "http://127.0.0.1:$port/graphql"; }

start() { # $1: which start; waits for /health UP (at most 120 s)
  local t0 deadline
  if curl -fsS -m 1 "http://127.0.0.1:$port/health" >/dev/null 2>&1; then echo "FATAL: something already answers on port $port" >&2; exit 1; fi
  t0=$(date +%s%N); deadline=$((SECONDS + 120))
  BERTH_DATA_DIR="$data" BERTH_PORT=$port BERTH_HOST=127.0.0.1 deploy/start.sh "$jar" -Xmx384m > "$data/start-$1.log" 2>&1 &
  pid=$!
  while [ $SECONDS -lt $deadline ]; do
    if curl -fsS -m 1 "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"UP"'; then
      echo "start $1: /health UP after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$data/start-$1.log" >&2; echo "FATAL: start $1 ended before /health was UP" >&2; exit 1; }
    sleep 0.02
  done
  cat "$data/start-$1.log" >&2; echo "FATAL: start $1: /health not UP after 120 s" >&2; exit 1
}

ended() { # $1: seconds to wait for the process to end; true when it did
  local deadline=$((SECONDS + $1))
  while [ $SECONDS -lt $deadline ]; do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

stop() { # SIGTERM: Berth stops in order (writing its class cache the first time) and exits with 128 + 15
  local status=0
  kill -TERM "$pid"
  if ! ended 60; then kill -KILL "$pid"; wait "$pid" || true; pid=; echo "FATAL: start $1 still running 60 s after SIGTERM" >&2; exit 1; fi
  wait "$pid" || status=$?
  pid=
  [ "$status" -eq 143 ] || { cat "$data/start-$1.log" >&2; echo "FATAL: start $1 exited with $status on SIGTERM, not 143" >&2; exit 1; }
}

check() { # every schema file's first type is in the running schema
  local file type answer
  [ "$(graphql '{"query":"{ __typename }"}' | jq -r .data.__typename)" = Query ] || { echo "FATAL: { __typename } did not answer Query" >&2; exit 1; }
  for file in schema/*.graphqls; do # the file's first definition (a type, input, enum, interface, union or scalar)
    type=$(sed -n -E 's/^(type|input|enum|interface|union|scalar) ([A-Za-z0-9_]+).*/\2/p' "$file" | head -1)
    [ -n "$type" ] || { echo "FATAL: $file defines nothing this check can look for" >&2; exit 1; }
    answer=$(graphql "{\"query\":\"{ __type(name: \\\"$type\\\") { name } }\"}" | jq -r '.data.__type.name')
    [ "$answer" = "$type" ] || { echo "FATAL: $type (from $file) is not in the jar's schema" >&2; exit 1; }
  done
  echo "schema: every file's types answered"
}

start 1
check
stop 1
ls "$data"/class-cache/berth-* >/dev/null 2>&1 || { echo "FATAL: the first start left no class cache in $data/class-cache" >&2; exit 1; }
start 2
check
stop 2
echo "smoke: the jar starts, answers and stops"
