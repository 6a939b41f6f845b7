#!/usr/bin/env bash
# A newcomer's first minutes, measured on a fresh clone of this repository (in a temporary directory):
#   ./mvnw mn:run → sign up → create a project → stop → ./mvnw clean → ./mvnw mn:run → the project is still there.
# Prints the seconds from each command to a healthy server. Uses 127.0.0.1 and a free port only.
# Usage: scripts/first-contact.sh   (needs a JDK 21+ on JAVA_HOME, curl and jq; the Maven cache may be warm)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export BERTH_PORT=$port BERTH_URL="http://127.0.0.1:$port"
git clone -q "$repo" "$work/berth"
cd "$work/berth"
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

runs=0
start() {
  local started=$SECONDS log
  runs=$((runs + 1))
  log="$work/run-$runs.log"
  setsid ./mvnw -q mn:run -Dmn.watch=false > "$log" 2>&1 &
  pid=$!
  until curl -fs "$BERTH_URL/health" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "mn:run exited; log:" >&2; tail -40 "$log" >&2; exit 1; fi
    if (( SECONDS - started > 300 )); then echo "no healthy server after 300 s" >&2; exit 1; fi
    sleep 0.5
  done
  echo "$1: healthy $(( SECONDS - started )) s after ./mvnw mn:run"
}

stop() {
  kill -TERM -- "-$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

start "first start (compile + initdb)"
token=$(BERTH_PASSWORD='a long first-contact passphrase' client-examples/curl/sign-up.sh first@example.test "First User" 2>/dev/null \
  | jq -r .data.signUp.accessToken)
project=$(BERTH_TOKEN=$token client-examples/curl/create-project.sh kept | jq -r .data.createProject.project.id)
stop
./mvnw -q clean
[ -f .berth/master-key ] || { echo "FAIL: ./mvnw clean removed the data dir" >&2; exit 1; }
start "after ./mvnw clean"
token=$(BERTH_PASSWORD='a long first-contact passphrase' client-examples/curl/login.sh first@example.test 2>/dev/null \
  | jq -r .data.login.accessToken)
name=$(BERTH_TOKEN=$token client-examples/curl/get-project.sh "$project" | jq -r .data.project.name)
[ "$name" = kept ] || { echo "FAIL: the project is gone after ./mvnw clean" >&2; exit 1; }
stop
start "restart"
stop
echo "OK: the project made before ./mvnw clean is still there"
