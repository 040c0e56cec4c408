#!/usr/bin/env bash
# Bytes per key, Larder beside redis-server (issue 5, figure 1): KEYS string keys key:0000001... with values of
# each size in VALUE_SIZES are loaded through the same pipelined loader (redis-cli --pipe) into a fresh pair of
# servers (no persistence, loopback, pinned to SERVER_CPU); the resident size of each process (VmRSS from /proc)
# after the load minus its resident size when empty, divided by the key count, and the Larder/Redis ratio, as a
# markdown table. used_memory per key (each server's own accounting) is shown beside it.
# Environment: KEYS (default 1000000), VALUE_SIZES (default "32 256"), SERVER_CPU (default 0),
#              KEEP (directory to keep the server logs in).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS="${KEYS:-1000000}"
VALUE_SIZES="${VALUE_SIZES:-32 256}"
SERVER_CPU="${SERVER_CPU:-0}"

for tool in redis-server redis-cli taskset awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
done

# One value size on a fresh pair of servers (a JVM keeps the heap it grew, so each case starts anew).
if [[ "${1:-}" == --case ]]; then
  VALUE="$2"
  WORK="$(mktemp -d -t larder-memory.XXXXXX)"
  bench_on_exit() { if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$WORK"/*.log "$KEEP"/ 2>/dev/null || true; fi; }
  source "$ROOT/bench/servers.sh"
  start_servers
  REDIS_PID=$(redis-cli -p "$REDIS_PORT" info server | awk -F: '/^process_id:/ { print $2 }' | tr -d '\r')
  rss() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }
  used() { redis-cli -p "$1" info memory | awk -F: '/^used_memory:/ { print $2 }' | tr -d '\r'; }
  # The RESP stream of KEYS SET commands, written once and fed to both servers alike.
  awk -v n="$KEYS" -v size="$VALUE" 'BEGIN {
      v = sprintf("%" size "s", ""); gsub(/ /, "v", v)
      for (i = 1; i <= n; i++) {
        k = sprintf("key:%07d", i)
        printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, size, v
      }
    }' > "$WORK/load.resp"
  row=""
  for server in redis larder; do
    port=$REDIS_PORT; pid=$REDIS_PID
    [[ $server == larder ]] && { port=$LARDER_PORT; pid=$LARDER_PID; }
    sleep 1
    empty_rss=$(rss "$pid"); empty_used=$(used "$port")
    redis-cli -p "$port" --pipe < "$WORK/load.resp" >/dev/null
    [[ "$(redis-cli -p "$port" dbsize)" == "$KEYS" ]] || { echo "bench: $server holds $(redis-cli -p "$port" dbsize) keys, not $KEYS" >&2; exit 1; }
    sleep 2
    loaded_rss=$(rss "$pid"); loaded_used=$(used "$port")
    row="$row $(( (loaded_rss - empty_rss) / KEYS )) $(( (loaded_used - empty_used) / KEYS ))"
  done
  echo "$VALUE $row"
  exit 0
fi

echo "| value bytes | Redis RSS B/key | Larder RSS B/key | RSS Larder/Redis | Redis used_memory B/key | Larder used_memory B/key |"
echo "|---:|---:|---:|---:|---:|---:|"
for size in $VALUE_SIZES; do
  read -r value redis_rss redis_used larder_rss larder_used < <(bash "$0" --case "$size")
  awk -v v="$value" -v rr="$redis_rss" -v lr="$larder_rss" -v ru="$redis_used" -v lu="$larder_used" \
    'BEGIN { printf "| %d | %d | %d | %.2f | %d | %d |\n", v, rr, lr, lr / rr, ru, lu }'
done
echo
echo "$KEYS keys per case, loaded with redis-cli --pipe; $(redis-server --version | awk '{print $1, $2, $3}'); servers on CPU $SERVER_CPU"
