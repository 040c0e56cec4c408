#!/usr/bin/env bash
# PUBLISH fan-out on redis-server and Larder under the same conditions (see bench/PubSubFanout.java):
#   - both servers without persistence on free loopback ports, pinned to SERVER_CPU (taskset);
#   - the load tool pinned to CLIENT_CPU: SUBSCRIBERS connections on one channel, MESSAGES publishes of SIZE
#     bytes, at most WINDOW unanswered;
#   - Larder's JIT warmed up with one unrecorded run; then ROUNDS rounds, alternating which server goes first;
#   - prints each run and the median publish/s and deliveries/s per server.
# Environment: SUBSCRIBERS (100), MESSAGES (20000), SIZE (64), WINDOW (16), ROUNDS (3), SERVER_CPU (0),
#              CLIENT_CPU (1), JAVA (java from JAVA_HOME, else java on the PATH; 21 or later).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUBSCRIBERS="${SUBSCRIBERS:-100}"
MESSAGES="${MESSAGES:-20000}"
SIZE="${SIZE:-64}"
WINDOW="${WINDOW:-16}"
ROUNDS="${ROUNDS:-3}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
JAVA="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"

WORK="$(mktemp -d -t larder-fanout.XXXXXX)"
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli taskset "$JAVA"

start_servers

run() { # run PORT: one fan-out run, prints its result line
  taskset -c "$CLIENT_CPU" "$JAVA" "$ROOT/bench/PubSubFanout.java" "$1" "$SUBSCRIBERS" "$MESSAGES" "$SIZE" "$WINDOW"
}

echo "bench: warming up Larder's JIT" >&2
run "$LARDER_PORT" >/dev/null
: >"$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order=(redis larder); else order=(larder redis); fi
  for server in "${order[@]}"; do
    port=$REDIS_PORT; [[ $server == larder ]] && port=$LARDER_PORT
    line=$(run "$port")
    echo "$server round $round: $line"
    echo "$server $line" >>"$WORK/results"
  done
done

field() { grep "^$1 " "$WORK/results" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2 | median; }
echo
echo "| server | publish/s | deliveries/s |"
echo "|---|---:|---:|"
for server in redis larder; do
  echo "| $server | $(field "$server" 'publish/s') | $(field "$server" 'deliveries/s') |"
done
echo
echo "$SUBSCRIBERS subscribers, $MESSAGES messages of $SIZE bytes, window $WINDOW, $ROUNDS rounds (medians)," \
  "servers on CPU $SERVER_CPU, load tool on CPU $CLIENT_CPU"
