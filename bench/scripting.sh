#!/usr/bin/env bash
# Compares Larder with redis-server on scripts: redis-benchmark running EVALSHA of a small script
# (INCR + EXPIRE of a random key) against both servers, under the conditions of redis-benchmark.sh:
#   - both servers without persistence, on free loopback ports, pinned to $SERVER_CPU; the client on $CLIENT_CPU;
#   - Larder's JIT warmed up first; then ROUNDS rounds alternating the two servers; medians of ops/s and p50/p99;
#   - pipeline depths 1 and 16; prints a markdown table with the Larder/Redis ratios.
# Environment: N (requests per run, default 100000), ROUNDS (default 3), CLIENTS (default 50),
#              SERVER_CPU (default 0), CLIENT_CPU (default 1).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-100000}"
ROUNDS="${ROUNDS:-3}"
CLIENTS="${CLIENTS:-50}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
DEPTHS=(1 16)
SCRIPT="local v = redis.call('incr', KEYS[1]) redis.call('expire', KEYS[1], ARGV[1]) return v"

WORK="$(mktemp -d -t larder-bench.XXXXXX)"
RESULTS="$WORK/results.csv"   # server,depth,round,rps,p50,p99
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli redis-benchmark taskset

bench() { # bench SERVER PORT DEPTH ROUND
  local server=$1 port=$2 depth=$3 round=$4 sha out
  sha=$(redis-cli -p "$port" script load "$SCRIPT")
  out=$(taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -r 100000 -n "$N" \
        -P "$depth" --csv evalsha "$sha" 1 "key:__rand_int__" 60 2>&1)
  [[ "$round" == warmup ]] && return
  # CSV columns of redis-benchmark 7: test,rps,avg,min,p50,p95,p99,max
  echo "$out" | grep -i '^"evalsha' | tr -d '"' | awk -F, -v s="$server" -v d="$depth" -v r="$round" \
    '{ printf "%s,%s,%s,%s,%s,%s\n", s, d, r, $2, $5, $7 }' >> "$RESULTS"
}

start_servers
echo "bench: redis-server on $REDIS_PORT, larder on $LARDER_PORT (pid $LARDER_PID); N=$N, rounds=$ROUNDS" >&2
for depth in "${DEPTHS[@]}" "${DEPTHS[@]}"; do
  bench larder "$LARDER_PORT" "$depth" warmup
done
for round in $(seq 1 "$ROUNDS"); do
  for depth in "${DEPTHS[@]}"; do
    if (( round % 2 )); then order=(redis larder); else order=(larder redis); fi
    for server in "${order[@]}"; do
      port=$REDIS_PORT; [[ $server == larder ]] && port=$LARDER_PORT
      echo "bench: round $round, -P $depth, $server" >&2
      bench "$server" "$port" "$depth" "$round"
    done
  done
done

value() { # value SERVER DEPTH COLUMN(4=rps,5=p50,6=p99)
  awk -F, -v s="$1" -v d="$2" -v c="$3" '$1==s && $2==d { print $c }' "$RESULTS" | median
}
echo
echo "| EVALSHA (INCR+EXPIRE) | -P | Redis ops/s | Larder ops/s | ops/s Larder/Redis | Redis p50 ms | Larder p50 ms | Redis p99 ms | Larder p99 ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for depth in "${DEPTHS[@]}"; do
  rr=$(value redis "$depth" 4); lr=$(value larder "$depth" 4)
  ratio=$(awk -v a="$lr" -v b="$rr" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
  echo "| evalsha | $depth | $rr | $lr | $ratio | $(value redis "$depth" 5) | $(value larder "$depth" 5) | $(value redis "$depth" 6) | $(value larder "$depth" 6) |"
done
