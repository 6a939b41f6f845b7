#!/usr/bin/env bash
# Berth's benchmark, in one command: Berth against the physical limit of the same PostgreSQL, in one run.
#   bench/run.sh [q1] [q2] [m1] [l1] [s1] [n1] [p1] [w1] [f1]     (default: q1 q2 m1 l1 s1)
#   bench/run.sh backup      (on its own: Berth's backup and restore of a PostgreSQL database of BACKUP_GB GB, 1 by
#                             default, against a bare pg_dump -Fc | pg_restore on the same server, BACKUP_ROUNDS=2
#                             rounds interleaved, Berth's heap sampled; runs on the test daemons, see BackupBenchmark;
#                             the flight recording is BENCH_WORK/backup.jfr)
#   bench/run.sh proxy       (on its own: the same paced load, PROXY_RATE=200 requests/s, straight to an application's
#                             container, through its server's Caddy over HTTPS, and through Caddy during a redeploy,
#                             PROXY_ROUNDS=2 rounds interleaved; requests/s, p50, p99, failures; see ProxyBenchmark)
# Starts a private PostgreSQL and Redis on loopback (ports below), builds and starts Berth against them with the
# production JVM options, seeds the dataset (50 projects x 3 environments through the API, then 1,500 applications,
# 30,000 deployments, 7,500 variables and 200,000 log lines by SQL), and for each HTTP workload runs a correctness
# check, WARMUP s of load (discarded), DURATION s measured with wrk (CONNS connections, every response checked),
# then the same data through pgbench (-M prepared, same connections and time). L1 fans one deployment's log out to
# 100 and 1,000 graphql-ws clients. S1 times fork -> /health UP and idle RSS, with external services and on the
# embedded default. Prints one table and keeps it in bench/results/<UTC date and time>.md (raw lines in .jsonl).
# Everything talks to 127.0.0.1 only, and every loop is bounded by a duration or a count.
# Env: WARMUP=20 DURATION=20 CONNS=32 FANOUT_SUBS=1000 IDLE=10 (S1: seconds idle before the RSS is read)
#      FANOUT_PROCS=2 (L1: client processes; one Node process holding 1,000 sockets adds its own queueing: p99 50 vs 34 ms)
#      BENCH_WORK=/tmp/berth-bench (databases, logs; deleted by nothing: rerun reuses it)
#      BENCH_PG_PORT=55442 BENCH_REDIS_PORT=56389 BENCH_BERTH_PORT=58090
#      BERTH_JAR (default: built from this checkout with -Dproduction into BENCH_WORK/jars, once per source state)
#      BERTH_EMBEDDED_JAR (default: built the same way without -Dproduction: the embedded default, for S1)
#      BERTH_JAVA_OPTS (default: the production options of deploy/Dockerfile)
# Rate limits are set out of reach (BERTH_RATE_LIMIT_COST_PER_MINUTE=1000000000); their Redis call still runs. Q1's
# estimated cost (4,920 objects) is within the default limits.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd); B=$ROOT/bench
WORK=${BENCH_WORK:-/tmp/berth-bench}; mkdir -p "$WORK"
PGPORT=${BENCH_PG_PORT:-55442}; REDIS_PORT=${BENCH_REDIS_PORT:-56389}; PORT=${BENCH_BERTH_PORT:-58090}
WARMUP=${WARMUP:-20}; DURATION=${DURATION:-20}; IDLE=${IDLE:-10}; PROCS=${FANOUT_PROCS:-2}; CONNS=${CONNS:-32}; SUBS=${FANOUT_SUBS:-1000}
WORKLOADS=${*:-q1 q2 m1 l1 s1}
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ); mkdir -p "$B/results"; OUT="$B/results/$STAMP"
export BENCH_URL="http://127.0.0.1:$PORT/graphql" BENCH_RUN="$WORK/run" OUR_CMD_MARK="$B"; mkdir -p "$BENCH_RUN"

if [ "$WORKLOADS" = backup ]; then
  # the real parts a backup needs (dockerd, sshd, the engines' image, s3proxy), as the tests start them
  # Berth's JVM as production runs it (all compilers, the image's heap cap), with a flight recording of the run
  (cd "$ROOT" && BERTH_REQUIRE_DOCKER=1 ./mvnw -B -q test -Dtest=BackupBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest.jvm.flags="-Xmx384m -XX:StartFlightRecording=filename=$WORK/backup.jfr,settings=profile" \
    -Dberth.bench.gb="${BACKUP_GB:-1}" -Dberth.bench.rounds="${BACKUP_ROUNDS:-2}" >&2) || status=$?
  { echo "# backup ($(date -u +%FT%TZ), $(nproc) cores, $(cd "$ROOT" && git rev-parse --short HEAD))"
    sed -n 's/^BENCH //p' "$ROOT/target/surefire-reports/dev.berth.bench.BackupBenchmark-output.txt"; } | tee "$OUT-backup.md"
  exit "${status:-0}"
fi

if [ "$WORKLOADS" = proxy ]; then
  # the real parts (dockerd, sshd, Caddy's test image, Pebble), as the tests start them
  (cd "$ROOT" && BERTH_REQUIRE_DOCKER=1 ./mvnw -B -q test -Dtest=ProxyBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest.jvm.flags="-Xmx384m" -Dberth.bench.rate="${PROXY_RATE:-200}" -Dberth.bench.rounds="${PROXY_ROUNDS:-2}" >&2) || status=$?
  { echo "# proxy ($(date -u +%FT%TZ), $(nproc) cores, $(cd "$ROOT" && git rev-parse --short HEAD))"
    sed -n 's/^BENCH //p' "$ROOT/target/surefire-reports/dev.berth.deployment.ProxyBenchmark-output.txt"; } | tee "$OUT-proxy.md"
  exit "${status:-0}"
fi

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is missing ($2)" >&2; exit 1; }; }
need wrk "apt-get install wrk"; need pgbench "apt-get install postgresql"; need psql "apt-get install postgresql"
need redis-server "apt-get install redis-server"; need redis-cli "apt-get install redis-tools"; need node "Node >= 18"; need curl "apt-get install curl"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1); [ -x "$PGBIN/initdb" ] || { echo "bench: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$JAVA" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])' || { echo "bench: needs JDK 21+ (set JAVA_HOME)" >&2; exit 1; }
[ -d "$ROOT/client-examples/node_modules/ws" ] || (cd "$ROOT/client-examples" && npm ci --silent)
# The jars are built from this checkout (target/ may hold either kind), once per source state, into $WORK/jars.
build_jar() { # variant (production|embedded) -> path
  local rev jar; rev=$(cd "$ROOT" && { git rev-parse HEAD; git diff HEAD -- src pom.xml migrations schema; } | sha256sum | cut -c1-12)
  jar=$WORK/jars/berth-$1-$rev.jar
  if [ ! -f "$jar" ]; then
    mkdir -p "$WORK/jars"
    # clean: classes and resources left in target/ by other work must not end up in the jar
    (cd "$ROOT" && ./mvnw -q -B -Dmaven.test.skip=true $([ "$1" = production ] && echo -Dproduction) clean package >&2)
    cp "$(ls "$ROOT"/target/berth-*.jar | grep -v original | head -1)" "$jar"
    sha256sum "$jar" | cut -c1-16 > "$jar.id" # as the image does: deploy/start.sh names the class cache after it
  fi
  echo "$jar"
}
[ -n "${BERTH_JAR:-}" ] || BERTH_JAR=$(build_jar production)
case " $WORKLOADS " in *" s1 "*) [ -n "${BERTH_EMBEDDED_JAR:-}" ] || BERTH_EMBEDDED_JAR=$(build_jar embedded) ;; esac
JAVA_OPTS="-Xmx384m -XX:+ExitOnOutOfMemoryError" # deploy/Dockerfile's; deploy/start.sh adds the class cache (per jar)

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
berth_up() { # [embedded] -> prints "<ms to /health UP> <RSS MB at ready>"; external services unless "embedded"
  ( if [ "${1:-}" = embedded ]; then
      # the embedded default as `java -jar` runs it: no URLs, no secrets given (generated in the data dir)
      jar=$BERTH_EMBEDDED_JAR; export BERTH_DATA_DIR=$WORK/embedded-data
    else
      set -a; . "$SECRETS"; set +a; jar=$BERTH_JAR; export BERTH_DATA_DIR=$WORK/data \
        BERTH_DATABASE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/berth_bench" BERTH_DATABASE_USERNAME=postgres BERTH_DATABASE_PASSWORD= \
        BERTH_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    fi
    export BERTH_PORT=$PORT BERTH_HOST=127.0.0.1 BERTH_SERVERS_PROBE_ENABLED=false BERTH_RATE_LIMIT_COST_PER_MINUTE=1000000000
    mkdir -p "$BERTH_DATA_DIR"; t0=$(date +%s%N)
    # as the production image starts it: deploy/start.sh with the class cache it keeps per jar
    # shellcheck disable=SC2086
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")") BERTH_CLASS_CACHE_DIR=$WORK/class-cache \
      nohup "$ROOT/deploy/start.sh" "$jar" ${BERTH_JAVA_OPTS:-$JAVA_OPTS} > "$WORK/berth.log" 2>&1 &
    echo $! > "$BENCH_RUN/berth.pid"
    for _ in $(seq 1 1200); do
      kill -0 "$(cat "$BENCH_RUN/berth.pid")" 2>/dev/null || { tail -30 "$WORK/berth.log" >&2; exit 1; }
      if curl -fsS -m 1 "http://127.0.0.1:$PORT/health" 2>/dev/null | grep -q '"UP"'; then
        echo "$(( ($(date +%s%N) - t0) / 1000000 )) $(rss_mb "$(cat "$BENCH_RUN/berth.pid")")"; exit 0; fi
      sleep 0.02
    done; echo "Berth not up within 24 s" >&2; exit 1 )
}
berth_down() { local pid; pid=$(cat "$BENCH_RUN/berth.pid"); kill "$pid"; for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; rm -f "$BENCH_RUN/berth.pid"; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/hz}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
pss_tree_mb() { # PSS (shared pages split fairly) of the given processes and all their descendants, in MB
  local all=" $* " changed=1 p pp
  while [ $changed = 1 ]; do changed=0
    for p in /proc/[0-9]*; do p=${p#/proc/}; [[ $all == *" $p "* ]] && continue
      pp=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || continue
      [[ $all == *" $pp "* ]] && { all="$all$p "; changed=1; }
    done
  done
  for p in $all; do cat "/proc/$p/smaps_rollup" 2>/dev/null; done | awk '/^Pss:/{kb+=$2} END{printf "%.0f", kb/1024}'
}
record() { echo "$1" >> "$OUT.jsonl"; }

# the first start of a jar records its class cache (written when it stops): the workloads run as production runs
# after that first start, and S1 is measured from a start that loads the cache. The recording start lives on for
# RECORD_S after it is ready, as a production node's first run does (what a node does once ready, the GraphQL schema,
# the job engine, begins then): a cache recorded by a start stopped at once lacks it, and later starts load it slowly
if ! ls "$WORK/class-cache/berth-$(sha256sum "$BERTH_JAR" | cut -c1-16)".* >/dev/null 2>&1; then
  read -r S1_RECORD_MS _ < <(berth_up); sleep "${RECORD_S:-10}"; berth_down; echo "first start (recording the class cache): $S1_RECORD_MS ms"
fi
read -r S1_MS S1_RSS < <(berth_up)
node "$B/lib/seed.mjs"
BPID=$(cat "$BENCH_RUN/berth.pid"); TOKEN=$(cat "$BENCH_RUN/berth.token"); TEAM=$(cat "$BENCH_RUN/berth-team-id.txt")
SERVER=$(cat "$BENCH_RUN/berth-server-id.txt"); TEMPLATE=$(cat "$BENCH_RUN/berth-template-id.txt")
t=$(date +%s); psql -X -d berth_bench -q -v team="$TEAM" -v server="$SERVER" -v template="$TEMPLATE" -f "$B/sql/seed_dataset.sql" | tail -3
echo "dataset ready in $(( $(date +%s) - t )) s"
psql -X -d berth_bench -Atqc "SELECT md5('berth-bench-app-' || n)::uuid FROM generate_series(1, 1500) n" > "$BENCH_RUN/app-ids.txt"
echo '{}' > "$BENCH_RUN/q1.vars.json"; printf '{"id": "{{PICKFILE:%s}}"}\n' "$BENCH_RUN/app-ids.txt" > "$BENCH_RUN/q2.vars.json"
printf '{"id": "{{PICKFILE:%s}}", "level": "debug-{{SEQ}}"}\n' "$BENCH_RUN/app-ids.txt" > "$BENCH_RUN/m1.vars.json"
export OUR_PIDS="$BPID $(head -1 "$PGDATA/postmaster.pid") $(cat "$WORK/redis.pid" 2>/dev/null || true) $$"
export GQL_HEADERS="Authorization: Bearer $TOKEN"
{ echo "date: $(date -u +%FT%TZ)"; echo "machine: $(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $("$JAVA" -version 2>&1 | head -1); options: ${BERTH_JAVA_OPTS:-$JAVA_OPTS}"; echo "postgres: $(psql -X -Atqc 'show server_version'); redis: $(redis-server --version | awk '{print $3}')"
  echo "berth: $(basename "$BERTH_JAR") ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"; } > "$OUT.env.txt"
record "{\"workload\":\"s1-first\",\"ms\":$S1_MS,\"rss_mb\":$S1_RSS}"

pgb() { # script -> tps (same clients and duration as wrk), with -D team=<uuid>
  pgbench -n -f "$1" -c "$CONNS" -j 2 -T 5 -M prepared -D team="$TEAM" >/dev/null 2>&1
  pgbench -n -f "$1" -c "$CONNS" -j 2 -T "$DURATION" -M prepared -D team="$TEAM" 2>&1 | awk '/^tps = /{print $3}'
}
http_workload() { # name query vars expect sql [text=count: checked in every response]
  local name=$1 q=$2 v=$3 expect=$4 sql=$5 c0 c1 a b json tps noise
  export GQL_EXPECT=${6:-}
  node "$B/lib/gql-check.mjs" "$BENCH_URL" "$q" "$v" $expect >/dev/null
  wrk -t2 -c"$CONNS" -d"${WARMUP}s" --timeout 30s -s "$B/lib/wrk-gql.lua" "$BENCH_URL" -- "$q" "$v" >/dev/null
  a=$(mktemp); b=$(mktemp); node "$B/lib/cpu.mjs" snap "$a"; c0=$(cpu_s "$BPID")
  json=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 30s --latency -s "$B/lib/wrk-gql.lua" "$BENCH_URL" -- "$q" "$v" | sed -n 's/^WRKJSON //p')
  c1=$(cpu_s "$BPID"); node "$B/lib/cpu.mjs" snap "$b"; noise=$(node "$B/lib/cpu.mjs" diff "$a" "$b"); rm -f "$a" "$b"
  tps=$(pgb "$sql")
  record "{\"workload\":\"$name\",\"wrk\":$json,\"raw_tps\":${tps:-0},\"berth_cpu_s\":$(echo "$c1 - $c0" | bc),\"rss_mb\":$(rss_mb "$BPID"),\"duration_s\":$DURATION,\"noise\":$noise}"
  echo "  $name done"
}
l1_deployment() { # a never-finishing deployment of the template application (bench-support); prints its id
  local dep; dep=$(cat /proc/sys/kernel/random/uuid)
  psql -X -d berth_bench -q -v ON_ERROR_STOP=1 -v team="$TEAM" -v app="$TEMPLATE" -v server="$SERVER" \
    -v project="$(cat "$BENCH_RUN/berth-support-project-id.txt")" -v deployment="$dep" -f "$B/sql/l1_deployment.sql"
  echo "$dep"
}
logfanout() { # name subscribers rate messages
  local name=$1 subs=$2 rate=$3 n=$4 a b c0 c1 out noise
  echo "{\"d\":\"$L1_DEPLOYMENT\"}" > "$WORK/l1.vars.json"
  a=$(mktemp); b=$(mktemp); node "$B/lib/cpu.mjs" snap "$a"; c0=$(cpu_s "$BPID")
  out=$(FANOUT_INIT_PAYLOAD="{\"authorization\":\"Bearer $TOKEN\"}" node "$B/lib/fanout.mjs" --url "ws://127.0.0.1:$PORT/graphql-ws" \
    --query "$B/workloads/deployment-logs.graphql" --vars "$WORK/l1.vars.json" \
    --publish "redis://127.0.0.1:$REDIS_PORT/berth:$TEAM:deployment-logs:$L1_DEPLOYMENT" --format berth-log --deployment "$L1_DEPLOYMENT" \
    --subs "$subs" --messages "$n" --rate "$rate" --timeout 120 --client ws --deflate 0 --procs "$PROCS" 2>>"$WORK/fanout.err" | sed -n 's/^GQLWSJSON //p' || true)
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
  q1) http_workload Q1 "$B/workloads/q1.graphql" "$BENCH_RUN/q1.vars.json" "--expect-key createdAt=3000 --expect-key status=3600" "$B/sql/q1_json.sql" '"createdAt":=3000' ;;
  q2) http_workload Q2 "$B/workloads/q2.graphql" "$BENCH_RUN/q2.vars.json" "--expect-key secret=5 --expect-key createdAt=10" "$B/sql/q2_rows.sql" '"createdAt":=10' ;;
  m1) http_workload M1 "$B/workloads/m1.graphql" "$BENCH_RUN/m1.vars.json" "--expect-key key=5" "$B/sql/m1_upsert.sql" '"key":=5' ;;
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
  s1) sleep 5; record "{\"workload\":\"idle\",\"rss_mb\":$(rss_mb "$BPID")}"   # after the workloads before it
      # with external services: three restarts, each then left idle IDLE s
      for i in 1 2 3; do berth_down; read -r ms rss < <(berth_up); sleep "$IDLE"; BPID=$(cat "$BENCH_RUN/berth.pid")
        record "{\"workload\":\"s1-external\",\"ms\":$ms,\"rss_mb\":$rss,\"idle_rss_mb\":$(rss_mb "$BPID")}"; done
      berth_down
      # the embedded default (java -jar with nothing set: its own PostgreSQL and Redis in a data dir); the first
      # start of a new data dir also runs initdb
      for i in 1 2 3; do first=false; [ -f "$WORK/embedded-data/postgres/PG_VERSION" ] || first=true
        read -r ms rss < <(berth_up embedded); sleep "$IDLE"; BPID=$(cat "$BENCH_RUN/berth.pid")
        record "{\"workload\":\"s1-embedded\",\"first\":$first,\"ms\":$ms,\"rss_mb\":$rss,\"idle_rss_mb\":$(rss_mb "$BPID"),\"idle_pss_all_mb\":$(pss_tree_mb "$BPID" "$(head -1 "$WORK/embedded-data/postgres/postmaster.pid")")}"
        berth_down; done
      read -r _ _ < <(berth_up); BPID=$(cat "$BENCH_RUN/berth.pid") ;;
  *) echo "unknown workload $w" >&2; exit 2 ;;
esac; done
node "$B/lib/report.mjs" "$OUT.jsonl" "$OUT.env.txt" | tee "$OUT.md"
