# Sourced by the bench scripts: starts a redis-server and a Larder node with the same settings (no
# persistence, loopback, free ports, pinned to $SERVER_CPU) and stops both on exit.
# Needs ROOT, WORK and SERVER_CPU set; sets REDIS_PORT, LARDER_PORT, LARDER_PID, REDIS_PID. A caller may define
# bench_on_exit (run before the work directory is removed) and SERVER_ARGS (an array of options both servers get,
# e.g. (--maxmemory 256mb --maxmemory-policy allkeys-lru)).

REDIS_PORT=""
REDIS_PID=""
LARDER_PORT=""
[[ -n "${SERVER_ARGS+x}" ]] || SERVER_ARGS=()
LARDER_PID=""

stop_servers() {
  [[ -n "$REDIS_PORT" ]] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if [[ -n "$LARDER_PID" ]] && kill -0 "$LARDER_PID" 2>/dev/null; then
    kill "$LARDER_PID" 2>/dev/null || true
    wait "$LARDER_PID" 2>/dev/null || true
  fi
  if declare -F bench_on_exit >/dev/null; then bench_on_exit; fi
  rm -rf "$WORK"
}
trap stop_servers EXIT

# A loopback port nobody listens on (a refused connection means free).
free_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 200); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "bench: no free port" >&2; exit 1
}

await_ping() { # await_ping PORT NAME
  for _ in $(seq 1 600); do
    [[ "$(redis-cli -p "$1" ping 2>/dev/null)" == PONG ]] && return
    sleep 0.1
  done
  echo "bench: $2 did not answer PING on port $1" >&2; exit 1
}

start_servers() {
  if [[ ! -f "$ROOT/larder-cli/target/larder-cli-0.1.0-SNAPSHOT.jar" ]]; then
    "$ROOT/larder" build
  fi
  REDIS_PORT=$(free_port)
  taskset -c "$SERVER_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$WORK" --logfile "$WORK/redis.log" --daemonize yes "${SERVER_ARGS[@]}"
  await_ping "$REDIS_PORT" redis-server
  REDIS_PID=$(redis-cli -p "$REDIS_PORT" info server | awk -F: '/^process_id:/ { print $2 }' | tr -d '\r')
  LARDER_PORT=$(free_port)
  taskset -c "$SERVER_CPU" "$ROOT/larder" server --port "$LARDER_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    "${SERVER_ARGS[@]}" >"$WORK/larder.log" 2>&1 &
  LARDER_PID=$!
  await_ping "$LARDER_PORT" larder
}

# Exits with a message unless every named tool is on the PATH.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install redis-server redis-tools util-linux)" >&2; exit 1; }
  done
}

# The median of the numbers on standard input, one a line (nothing for no input).
median() { sort -g | awk '{ v[NR]=$1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'; }

# redis-benchmark --csv on standard input, as rows SERVER,DEPTH,ROUND,TEST,RPS,P50,P99 (CSV columns of
# redis-benchmark 7: test,rps,avg,min,p50,p95,p99,max; "MSET (10 keys)" becomes MSET).
benchmark_rows() { # benchmark_rows SERVER DEPTH ROUND
  grep '^"[A-Z]' | grep -v '^"test"' | tr -d '"' | awk -F, -v s="$1" -v d="$2" -v r="$3" \
    '{ t=$1; sub(/ .*/, "", t); printf "%s,%s,%s,%s,%s,%s,%s\n", s, d, r, t, $2, $5, $7 }'
}

# The median of one column of benchmark_rows' results (RESULTS: server,depth,round,test,rps,p50,p99) for one
# server, depth and test: benchmark_median SERVER DEPTH TEST COLUMN (5=rps, 6=p50, 7=p99).
benchmark_median() {
  awk -F, -v s="$1" -v d="$2" -v t="$3" -v c="$4" '$1==s && $2==d && $4==t { print $c }' "$RESULTS" | median
}
