#!/usr/bin/env bash
# A leaderboard on redis-server and Larder under the same conditions (see bench/Leaderboard.java):
#   - both servers without persistence on free loopback ports, pinned to SERVER_CPU (taskset);
#   - the load tool pinned to CLIENT_CPU; first it loads a MEMBERS-player sorted set into each server;
#   - then OPS requests from CONNECTIONS connections in the ratio 3 ZINCRBY : 1 ZREVRANK : 1 ZREVRANGE 0 9
#     WITHSCORES, at each pipeline depth in PIPELINES (1 = one request at a time per connection);
#   - Larder's JIT warmed up with one unrecorded run per depth; then ROUNDS rounds, alternating which server goes
#     first; prints each run and a table of medians (ops/s, p50 and p99 in ms) with the Larder/Redis ratios.
# Environment: MEMBERS (1000000), CONNECTIONS (50), OPS (200000), PIPELINES ("1 16"), ROUNDS (3),
#              SERVER_CPU (0), CLIENT_CPU (1), JAVA (java from JAVA_HOME, else java on the PATH; 21 or later),
#              KEEP (directory to keep the raw results and server logs in).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEMBERS="${MEMBERS:-1000000}"
CONNECTIONS="${CONNECTIONS:-50}"
OPS="${OPS:-200000}"
PIPELINES="${PIPELINES:-1 16}"
ROUNDS="${ROUNDS:-3}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
JAVA="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"

WORK="$(mktemp -d -t larder-leaderboard.XXXXXX)"
bench_on_exit() { if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$WORK"/* "$KEEP"/; fi; }
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli taskset "$JAVA"

start_servers

tool() { taskset -c "$CLIENT_CPU" "$JAVA" "$ROOT/bench/Leaderboard.java" "$@"; }

for server in redis larder; do
  port=$REDIS_PORT; [[ $server == larder ]] && port=$LARDER_PORT
  echo "bench: loading $MEMBERS players into $server: $(tool load "$port" "$MEMBERS")" >&2
done
echo "bench: redis used_memory_human=$(redis-cli -p "$REDIS_PORT" info memory | grep '^used_memory_human' | cut -d: -f2 | tr -d '\r')" >&2

: >"$WORK/results"
for depth in $PIPELINES; do
  echo "bench: warming up Larder's JIT at pipeline $depth" >&2
  tool mix "$LARDER_PORT" "$MEMBERS" "$CONNECTIONS" "$OPS" "$depth" 99 >/dev/null
  for round in $(seq 1 "$ROUNDS"); do
    if (( round % 2 )); then order=(redis larder); else order=(larder redis); fi
    for server in "${order[@]}"; do
      port=$REDIS_PORT; [[ $server == larder ]] && port=$LARDER_PORT
      # The same seed for both servers in a round: the same requests in the same order.
      line=$(tool mix "$port" "$MEMBERS" "$CONNECTIONS" "$OPS" "$depth" "$round")
      echo "$server round $round: $line"
      echo "$server $depth $line" >>"$WORK/results"
    done
  done
done

field() { # field SERVER DEPTH NAME
  grep "^$1 $2 " "$WORK/results" | tr ' ' '\n' | grep "^$3=" | cut -d= -f2 | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "| pipeline | server | ops/s | p50 ms | p99 ms |"
echo "|---:|---|---:|---:|---:|"
for depth in $PIPELINES; do
  for server in redis larder; do
    echo "| $depth | $server | $(field "$server" "$depth" 'ops/s') | $(field "$server" "$depth" p50) |" \
      "$(field "$server" "$depth" p99) |"
  done
  echo "| $depth | larder/redis | $(ratio "$(field larder "$depth" 'ops/s')" "$(field redis "$depth" 'ops/s')") |" \
    "$(ratio "$(field larder "$depth" p50)" "$(field redis "$depth" p50)") |" \
    "$(ratio "$(field larder "$depth" p99)" "$(field redis "$depth" p99)") |"
done
echo
echo "$MEMBERS players, $OPS requests (3 ZINCRBY : 1 ZREVRANK : 1 ZREVRANGE 0 9 WITHSCORES) from $CONNECTIONS" \
  "connections, $ROUNDS rounds (medians), servers on CPU $SERVER_CPU, load tool on CPU $CLIENT_CPU"
