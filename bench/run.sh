#!/usr/bin/env bash
# Berth's benchmark, in one command: Berth against the physical limit of the same PostgreSQL, in one run.
#   bench/run.sh [n1] [p1] [w1] [f1] [l1] [s1]        (default: all six)
# Starts a private PostgreSQL and Redis on loopback (ports below), builds and starts Berth against them with the
# production JVM options, seeds 50 projects x 3 environments through the API, and for each HTTP workload runs a
# correctness check, WARMUP s of load (discarded), DURATION s measured with wrk (CONNS connections), then the same
# data through pgbench (-M prepared, same connections and time). F1 fans Berth's live project feed out to 1,000
# graphql-ws clients. S1 restarts Berth and times fork -> /health UP. Prints one table and keeps it in
# bench/results/<UTC date and time>.md (raw lines in .jsonl beside it).
# Everything talks to 127.0.0.1 only, and every loop is bounded by a duration or a count.
# Env: WARMUP=20 DURATION=20 CONNS=32 FANOUT_SUBS=1000
#      BENCH_WORK=/tmp/berth-bench (databases, logs; deleted by nothing: rerun reuses it)
#      BENCH_PG_PORT=55442 BENCH_REDIS_PORT=56389 BENCH_BERTH_PORT=58090
#      BERTH_JAR (default: target/berth-*.jar, built with -Dproduction when missing)
#      BERTH_JAVA_OPTS (default: the production options of deploy/Dockerfile)
# Rate limits are set out of reach (BERTH_RATE_LIMIT_COST_PER_MINUTE=1000000000); their Redis call still runs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd); B=$ROOT/bench
WORK=${BENCH_WORK:-/tmp/berth-bench}; mkdir -p "$WORK"
PGPORT=${BENCH_PG_PORT:-55442}; REDIS_PORT=${BENCH_REDIS_PORT:-56389}; PORT=${BENCH_BERTH_PORT:-58090}
WARMUP=${WARMUP:-20}; DURATION=${DURATION:-20}; CONNS=${CONNS:-32}; SUBS=${FANOUT_SUBS:-1000}
WORKLOADS=${*:-n1 p1 w1 f1 l1 s1}
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ); mkdir -p "$B/results"; OUT="$B/results/$STAMP"
export BENCH_URL="http://127.0.0.1:$PORT/graphql" BENCH_RUN="$WORK/run" OUR_CMD_MARK="$B"; mkdir -p "$BENCH_RUN"

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is missing ($2)" >&2; exit 1; }; }
need wrk "apt-get install wrk"; need pgbench "apt-get install postgresql"; need psql "apt-get install postgresql"
need redis-server "apt-get install redis-server"; need redis-cli "apt-get install redis-tools"; need node "Node >= 18"; need curl "apt-get install curl"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1); [ -x "$PGBIN/initdb" ] || { echo "bench: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$JAVA" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])' || { echo "bench: needs JDK 21+ (set JAVA_HOME)" >&2; exit 1; }
[ -d "$ROOT/client-examples/node_modules/ws" ] || (cd "$ROOT/client-examples" && npm ci --silent)
if [ -z "${BERTH_JAR:-}" ]; then
  BERTH_JAR=$(ls "$ROOT"/target/berth-*.jar 2>/dev/null | grep -v original | head -1 || true)
  if [ -z "$BERTH_JAR" ]; then (cd "$ROOT" && ./mvnw -q -B -Dproduction -DskipTests package); BERTH_JAR=$(ls "$ROOT"/target/berth-*.jar | grep -v original | head -1); fi
fi
# the class-data archive is named after the jar: the JVM does not rebuild an archive made from another jar
JAVA_OPTS=${BERTH_JAVA_OPTS:-"-Xmx384m -XX:+ExitOnOutOfMemoryError -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$WORK/berth-$(sha256sum "$BERTH_JAR" | cut -c1-16).jsa"}

# --- private PostgreSQL and Redis (ours: stopped by pid at the end) ---------------------------------------------
RUNAS=(); [ "$(id -u)" = 0 ] && RUNAS=(runuser -u postgres --)
PGDATA=$WORK/pg; export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=berth_bench
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"; [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PGDATA"
  "${RUNAS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nmax_connections = 200\nshared_buffers = 512MB\njit = off\n" \
    "$PGPORT" "$PGDATA" >> "$PGDATA/postgresql.conf"
fi
STARTED=()
cleanup() { set +e
  [ -f "$BENCH_RUN/berth.pid" ] && kill "$(cat "$BENCH_RUN/berth.pid")" 2>/dev/null
  for s in "${STARTED[@]}"; do case $s in
    pg) "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null ;;
    redis) kill "$(cat "$WORK/redis.pid")" 2>/dev/null ;;
  esac; done; }
trap cleanup EXIT
if ! "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start >/dev/null; STARTED+=(pg); fi
psql -X -d postgres -Atqc "select 1 from pg_database where datname='berth_bench'" | grep -q 1 || createdb berth_bench
if ! redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$WORK" --maxclients 10000 \
    --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done; STARTED+=(redis); fi

# --- Berth ---------------------------------------------------------------------------------------------------------
SECRETS=$WORK/secrets.env
[ -f "$SECRETS" ] || ( umask 077; printf 'BERTH_JWT_SECRET=%s\nBERTH_MASTER_KEY=%s\nBERTH_METRICS_TOKEN=%s\n' \
  "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$SECRETS" )
berth_up() { # prints "<ms to /health UP> <RSS MB>"
  ( set -a; . "$SECRETS"; set +a
    export BERTH_PORT=$PORT BERTH_HOST=127.0.0.1 BERTH_DATA_DIR=$WORK/data BERTH_SERVERS_PROBE_ENABLED=false \
      BERTH_DATABASE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/berth_bench" BERTH_DATABASE_USERNAME=postgres BERTH_DATABASE_PASSWORD= \
      BERTH_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" BERTH_RATE_LIMIT_COST_PER_MINUTE=1000000000
    mkdir -p "$WORK/data"; t0=$(date +%s%N)
    # shellcheck disable=SC2086
    nohup "$JAVA" $JAVA_OPTS -jar "$BERTH_JAR" > "$WORK/berth.log" 2>&1 &
    echo $! > "$BENCH_RUN/berth.pid"
    for _ in $(seq 1 1200); do
      kill -0 "$(cat "$BENCH_RUN/berth.pid")" 2>/dev/null || { tail -30 "$WORK/berth.log" >&2; exit 1; }
      if curl -fsS -m 1 "http://127.0.0.1:$PORT/health" 2>/dev/null | grep -q '"UP"'; then
        echo "$(( ($(date +%s%N) - t0) / 1000000 )) $(awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$(cat "$BENCH_RUN/berth.pid")/status")"; exit 0; fi
      sleep 0.05
    done; echo "Berth not up within 60 s" >&2; exit 1 )
}
berth_down() { local pid; pid=$(cat "$BENCH_RUN/berth.pid"); kill "$pid"; for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; rm -f "$BENCH_RUN/berth.pid"; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/hz}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
record() { echo "$1" >> "$OUT.jsonl"; }

read -r S1_MS S1_RSS < <(berth_up)
node "$B/lib/seed.mjs"
BPID=$(cat "$BENCH_RUN/berth.pid"); TOKEN=$(cat "$BENCH_RUN/berth.token"); TEAM=$(cat "$BENCH_RUN/berth-team-id.txt")
export OUR_PIDS="$BPID $(head -1 "$PGDATA/postmaster.pid") $(cat "$WORK/redis.pid" 2>/dev/null || true) $$"
export GQL_HEADERS="Authorization: Bearer $TOKEN"
{ echo "date: $(date -u +%FT%TZ)"; echo "machine: $(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $("$JAVA" -version 2>&1 | head -1); options: $JAVA_OPTS"; echo "postgres: $(psql -X -Atqc 'show server_version'); redis: $(redis-server --version | awk '{print $3}')"
  echo "berth: $(basename "$BERTH_JAR") ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"; } > "$OUT.env.txt"
record "{\"workload\":\"s1-first\",\"ms\":$S1_MS,\"rss_mb\":$S1_RSS}"

pgb() { # script -> tps (same clients and duration as wrk), with -D team=<uuid>
  pgbench -n -f "$1" -c "$CONNS" -j 2 -T 5 -M prepared -D team="$TEAM" >/dev/null 2>&1
  pgbench -n -f "$1" -c "$CONNS" -j 2 -T "$DURATION" -M prepared -D team="$TEAM" 2>&1 | awk '/^tps = /{print $3}'
}
http_workload() { # name query vars expect sql
  local name=$1 q=$2 v=$3 expect=$4 sql=$5 c0 c1 a b json tps noise
  node "$B/lib/gql-check.mjs" "$BENCH_URL" "$q" "$v" $expect >/dev/null
  wrk -t2 -c"$CONNS" -d"${WARMUP}s" --timeout 30s -s "$B/lib/wrk-gql.lua" "$BENCH_URL" -- "$q" "$v" >/dev/null
  a=$(mktemp); b=$(mktemp); node "$B/lib/cpu.mjs" snap "$a"; c0=$(cpu_s "$BPID")
  json=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 30s --latency -s "$B/lib/wrk-gql.lua" "$BENCH_URL" -- "$q" "$v" | sed -n 's/^WRKJSON //p')
  c1=$(cpu_s "$BPID"); node "$B/lib/cpu.mjs" snap "$b"; noise=$(node "$B/lib/cpu.mjs" diff "$a" "$b"); rm -f "$a" "$b"
  tps=$(pgb "$sql")
  record "{\"workload\":\"$name\",\"wrk\":$json,\"raw_tps\":${tps:-0},\"berth_cpu_s\":$(echo "$c1 - $c0" | bc),\"rss_mb\":$(rss_mb "$BPID"),\"duration_s\":$DURATION,\"noise\":$noise}"
  echo "  $name done"
}
gql() { # query json-variables -> data (exits on errors)
  curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @- "$BENCH_URL" \
    < <(jq -n --arg q "$1" --argjson v "$2" '{query: $q, variables: $v}') | jq -e '.data' ; }
l1_deployment() { # creates a key, a server, an application and a never-finishing deployment; prints the deployment id
  local key server env app project dep
  key=$(gql 'mutation { generatePrivateKey(input: {name: "l1-key"}) { privateKey { id } } }' '{}' | jq -r '.generatePrivateKey.privateKey.id')
  server=$(gql 'mutation($k: ID!) { createServer(input: {name: "l1-server", host: "127.0.0.1", port: 1, privateKeyId: $k}) { server { id } } }' \
    "{\"k\":\"$key\"}" | jq -r '.createServer.server.id')
  env=$(gql '{ projects(first: 1) { edges { node { id environments { id } } } } }' '{}')
  project=$(jq -r '.projects.edges[0].node.id' <<<"$env"); env=$(jq -r '.projects.edges[0].node.environments[0].id' <<<"$env")
  app=$(gql 'mutation($e: ID!, $s: ID!) { createApplication(input: {environmentId: $e, serverId: $s, name: "l1", source: {image: {image: "busybox"}}}) { application { id } } }' \
    "{\"e\":\"$env\",\"s\":\"$server\"}" | jq -r '.createApplication.application.id')
  dep=$(cat /proc/sys/kernel/random/uuid)
  psql -X -d berth_bench -q -v ON_ERROR_STOP=1 -v team="$TEAM" -v app="$app" -v server="$server" -v project="$project" -v deployment="$dep" \
    -f "$B/sql/l1_deployment.sql"
  echo "$dep"
}
logfanout() { # name subscribers rate messages
  local name=$1 subs=$2 rate=$3 n=$4 a b c0 c1 out noise
  echo "{\"d\":\"$L1_DEPLOYMENT\"}" > "$WORK/l1.vars.json"
  a=$(mktemp); b=$(mktemp); node "$B/lib/cpu.mjs" snap "$a"; c0=$(cpu_s "$BPID")
  out=$(FANOUT_INIT_PAYLOAD="{\"authorization\":\"Bearer $TOKEN\"}" node "$B/lib/fanout.mjs" --url "ws://127.0.0.1:$PORT/graphql-ws" \
    --query "$B/workloads/deployment-logs.graphql" --vars "$WORK/l1.vars.json" \
    --publish "redis://127.0.0.1:$REDIS_PORT/berth:$TEAM:deployment-logs:$L1_DEPLOYMENT" --format berth-log --deployment "$L1_DEPLOYMENT" \
    --subs "$subs" --messages "$n" --rate "$rate" --timeout 120 --client ws --deflate 0 2>>"$WORK/fanout.err" | sed -n 's/^GQLWSJSON //p' || true)
  c1=$(cpu_s "$BPID"); node "$B/lib/cpu.mjs" snap "$b"; noise=$(node "$B/lib/cpu.mjs" diff "$a" "$b"); rm -f "$a" "$b"
  record "{\"workload\":\"$name\",\"fanout\":${out:-null},\"berth_cpu_s\":$(echo "$c1 - $c0" | bc),\"rss_mb\":$(rss_mb "$BPID"),\"noise\":$noise}"
  echo "  $name done"
}
fanout() { # name rate messages [client args]
  local name=$1 rate=$2 n=$3 a b c0 c1 out noise; shift 3
  a=$(mktemp); b=$(mktemp); node "$B/lib/cpu.mjs" snap "$a"; c0=$(cpu_s "$BPID")
  out=$(FANOUT_INIT_PAYLOAD="{\"authorization\":\"Bearer $TOKEN\"}" node "$B/lib/fanout.mjs" --url "ws://127.0.0.1:$PORT/graphql-ws" --query "$B/workloads/project-events.graphql" \
    --vars "$B/workloads/project-events.vars.json" --publish "redis://127.0.0.1:$REDIS_PORT/berth:$TEAM:projects" --format berth-project \
    --team "$TEAM" --subs "$SUBS" --messages "$n" --rate "$rate" --timeout 120 \
    --client ws "$@" 2>>"$WORK/fanout.err" | sed -n 's/^GQLWSJSON //p' || true) # exits 1 when anything was lost: recorded
  c1=$(cpu_s "$BPID"); node "$B/lib/cpu.mjs" snap "$b"; noise=$(node "$B/lib/cpu.mjs" diff "$a" "$b"); rm -f "$a" "$b"
  record "{\"workload\":\"$name\",\"fanout\":${out:-null},\"berth_cpu_s\":$(echo "$c1 - $c0" | bc),\"rss_mb\":$(rss_mb "$BPID"),\"noise\":$noise}"
  echo "  $name done"
}

for w in $WORKLOADS; do case $w in
  n1) http_workload N1 "$B/workloads/n1.graphql" "$B/workloads/n1.vars.json" "--expect-key name=80" "$B/sql/n1_rows.sql" ;;
  p1) http_workload P1 "$B/workloads/p1.graphql" "$BENCH_RUN/berth-p1.vars.json" "--expect-key name=4" "$B/sql/p1_rows.sql" ;;
  w1) http_workload W1 "$B/workloads/w1.graphql" "$B/workloads/w1.vars.json" "--expect-key name=1" "$B/sql/w1_insert.sql"
      psql -X -d berth_bench -q -v ON_ERROR_STOP=1 -c "BEGIN; CREATE TEMP TABLE gone ON COMMIT DROP AS SELECT id FROM projects WHERE name LIKE 'w1-%' OR name LIKE 'pgb-%';
        DELETE FROM environments WHERE project_id IN (SELECT id FROM gone);
        DELETE FROM audit_events WHERE action = 'createProject' AND resource_id IN (SELECT id::text FROM gone);
        DELETE FROM projects WHERE id IN (SELECT id FROM gone); COMMIT;" ;;
  f1) fanout "F1 20 events/s" 20 400 --deflate 0
      fanout "F1 20 events/s, client offers deflate" 20 400 --deflate 1
      # as fast as Redis takes them: 2,000 events, within a subscription's buffer (4,096 frames by default; beyond
      # it a subscription that cannot keep up is closed with 1013 by design, and its client resubscribes)
      fanout "F1 max rate" 0 2000 --deflate 0 ;;
  l1) L1_DEPLOYMENT=$(l1_deployment)
      # 20,000 deliveries/s: 200 lines/s to 100 subscribers, 20 lines/s to 1,000; then 10,000 lines as fast as Redis takes them
      logfanout "L1 100 subs, 20k deliveries/s" 100 200 4000
      logfanout "L1 1000 subs, 20k deliveries/s" 1000 20 400
      logfanout "L1 100 subs, 10k lines max rate" 100 0 10000
      logfanout "L1 1000 subs, 10k lines max rate" 1000 0 10000 ;;
  s1) sleep 5; record "{\"workload\":\"idle\",\"rss_mb\":$(rss_mb "$BPID")}"
      for i in 1 2 3; do berth_down; read -r ms rss < <(berth_up); record "{\"workload\":\"s1-restart\",\"ms\":$ms,\"rss_mb\":$rss}"; done
      BPID=$(cat "$BENCH_RUN/berth.pid") ;;
  *) echo "unknown workload $w" >&2; exit 2 ;;
esac; done
node "$B/lib/report.mjs" "$OUT.jsonl" "$OUT.env.txt" | tee "$OUT.md"
