#!/usr/bin/env bash
# MULTI/EXEC throughput on redis-server and Larder under the same conditions (see bench/Transactions.java):
#   - both servers without persistence on free loopback ports, pinned to SERVER_CPU (taskset);
#   - the load tool pinned to CLIENT_CPU: CONNECTIONS connections, each running MULTI + SETS SETs + EXEC
#     (one write per transaction, one transaction in flight per connection), TRANSACTIONS in total;
#   - Larder's JIT warmed up with one unrecorded run; then ROUNDS rounds, alternating which server goes first;
#   - prints each run, the median transactions/s per server and the ratio Larder / Redis.
# Environment: CONNECTIONS (50), TRANSACTIONS (100000), SETS (10), SIZE (3), KEYS (100000), ROUNDS (3),
#              SERVER_CPU (0), CLIENT_CPU (1), JAVA (java from JAVA_HOME, else java on the PATH; 21 or later).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONNECTIONS="${CONNECTIONS:-50}"
TRANSACTIONS="${TRANSACTIONS:-100000}"
SETS="${SETS:-10}"
SIZE="${SIZE:-3}"
KEYS="${KEYS:-100000}"
ROUNDS="${ROUNDS:-3}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
JAVA="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"

WORK="$(mktemp -d -t larder-transactions.XXXXXX)"
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli taskset "$JAVA"

start_servers

run() { # run PORT: one run, prints its result line
  taskset -c "$CLIENT_CPU" "$JAVA" "$ROOT/bench/Transactions.java" "$1" "$CONNECTIONS" "$TRANSACTIONS" "$SETS" \
    "$SIZE" "$KEYS"
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
redis_tx=$(field redis 'tx/s')
larder_tx=$(field larder 'tx/s')
echo
echo "| server | transactions/s | SETs/s |"
echo "|---|---:|---:|"
echo "| redis | $redis_tx | $(field redis 'sets/s') |"
echo "| larder | $larder_tx | $(field larder 'sets/s') |"
echo
echo "larder / redis: $(awk -v l="$larder_tx" -v r="$redis_tx" 'BEGIN { printf "%.2f", l / r }')"
echo "$CONNECTIONS connections, $TRANSACTIONS transactions of MULTI + $SETS SETs ($SIZE-byte values, $KEYS keys)" \
  "+ EXEC, $ROUNDS rounds (medians), servers on CPU $SERVER_CPU, load tool on CPU $CLIENT_CPU"
