#!/usr/bin/env bash
# Compares Larder with redis-server using redis-benchmark, under the same conditions:
#   - both servers without persistence, on free loopback ports, pinned to CPU 0 (taskset);
#   - redis-benchmark pinned to CPU 1;
#   - `-t set,get,incr,mset -c 50 -r 1000000 -n $N` at pipeline depths 1 and 16;
#   - Larder's JIT warmed up first (runs not counted); then ROUNDS rounds, alternating the two servers;
#   - medians per command and depth of ops/s, p50 and p99, and the Larder/Redis ratios, as a markdown table.
# Environment: N (requests per run, default 100000), ROUNDS (default 3), CLIENTS (default 50),
#              SERVER_CPU (default 0), CLIENT_CPU (default 1), TESTS (default set,get,incr,mset),
#              KEEP (directory to keep the raw results and server logs in).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-100000}"
ROUNDS="${ROUNDS:-3}"
CLIENTS="${CLIENTS:-50}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
TESTS="${TESTS:-set,get,incr,mset}"
DEPTHS=(1 16)

WORK="$(mktemp -d -t larder-bench.XXXXXX)"
RESULTS="$WORK/results.csv"   # server,depth,round,test,rps,p50,p99
bench_on_exit() { if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$WORK"/* "$KEEP"/; fi; }
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli redis-benchmark taskset

# bench SERVER PORT DEPTH ROUND: one redis-benchmark run per command, appended to $RESULTS (ROUND "warmup"
# is discarded). A command the server rejects is reported and left out of the table (shown as n/a).
bench() {
  local server=$1 port=$2 depth=$3 round=$4 t out
  for t in ${TESTS//,/ }; do
    if ! out=$(taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "$port" -t "$t" -c "$CLIENTS" -r 1000000 \
               -n "$N" -P "$depth" --csv 2>&1); then
      echo "bench: $server failed '$t' at -P $depth: $(echo "$out" | grep -m1 'Error' || echo "$out" | tail -1)" >&2
      continue
    fi
    [[ "$round" == warmup ]] && continue
    echo "$out" | benchmark_rows "$server" "$depth" "$round" >> "$RESULTS"
  done
}

start_servers

echo "bench: redis-server on $REDIS_PORT, larder on $LARDER_PORT (pid $LARDER_PID); N=$N, rounds=$ROUNDS" >&2
echo "bench: warming up Larder's JIT" >&2
for depth in "${DEPTHS[@]}" "${DEPTHS[@]}"; do
  bench larder "$LARDER_PORT" "$depth" warmup
done

for round in $(seq 1 "$ROUNDS"); do
  for depth in "${DEPTHS[@]}"; do
    # Alternate which server goes first so drift on the machine hits both alike.
    if (( round % 2 )); then order=(redis larder); else order=(larder redis); fi
    for server in "${order[@]}"; do
      port=$REDIS_PORT; [[ $server == larder ]] && port=$LARDER_PORT
      echo "bench: round $round, -P $depth, $server" >&2
      bench "$server" "$port" "$depth" "$round"
    done
  done
done

# Medians per server, depth and command, then one table row per command and depth.

echo
echo "| command | -P | Redis ops/s | Larder ops/s | ops/s Larder/Redis | Redis p50 ms | Larder p50 ms | Redis p99 ms | Larder p99 ms | p99 Larder/Redis |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for depth in "${DEPTHS[@]}"; do
  for t in ${TESTS//,/ }; do
    t=${t^^}
    rr=$(benchmark_median redis "$depth" "$t" 5); lr=$(benchmark_median larder "$depth" "$t" 5)
    r50=$(benchmark_median redis "$depth" "$t" 6); l50=$(benchmark_median larder "$depth" "$t" 6)
    r99=$(benchmark_median redis "$depth" "$t" 7); l99=$(benchmark_median larder "$depth" "$t" 7)
    awk -v t="$t" -v d="$depth" -v rr="$rr" -v lr="$lr" -v r50="$r50" -v l50="$l50" -v r99="$r99" -v l99="$l99" '
      function num(v, fmt) { return v == "" ? "n/a" : sprintf(fmt, v) }
      function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2f", a / b) }
      BEGIN {
        printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", t, d, num(rr, "%.0f"), num(lr, "%.0f"),
          ratio(lr, rr), num(r50, "%.3f"), num(l50, "%.3f"), num(r99, "%.3f"), num(l99, "%.3f"), ratio(l99, r99)
      }'
  done
done
echo
echo "redis-benchmark $(redis-benchmark --version | awk '{print $2}'), $(redis-server --version | awk '{print $3}'), N=$N, -c $CLIENTS, -r 1000000, $ROUNDS rounds (medians), servers on CPU $SERVER_CPU, redis-benchmark on CPU $CLIENT_CPU"
