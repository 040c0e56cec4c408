#!/usr/bin/env bash
# Bytes per key, Larder beside redis-server (issue 5, figure 1): each case is loaded through the same pipelined
# loader (redis-cli --pipe) into a fresh pair of servers (no persistence, loopback, pinned to SERVER_CPU); the
# resident size of each process (VmRSS from /proc) after the load minus its resident size when empty, divided
# by the case's count, and the Larder/Redis ratio, as a markdown table. used_memory per item (each server's own
# accounting) is shown beside it. Cases (CASES):
#   string:N  KEYS string keys key:0000001... with N-byte values (count: keys)
#   zset      one sorted set of MEMBERS 16-byte members m:00000000000001..., ZADD of 1000 pairs (count: members)
#   hash      HASHES hashes h:0000001... of 10 fields field:0..9 with 16-byte values (count: hashes)
# Environment: CASES (default "string:32 string:256 zset hash"), KEYS (1000000), MEMBERS (1000000),
#              HASHES (100000), SETTLE (seconds to wait after a load before reading VmRSS, default 2),
#              MAXMEMORY (e.g. 1gb: both servers get it, so Larder's heap is sized from it; default none),
#              SERVER_CPU (default 0), KEEP (directory to keep the server logs in).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS="${KEYS:-1000000}"
MEMBERS="${MEMBERS:-1000000}"
HASHES="${HASHES:-100000}"
SETTLE="${SETTLE:-2}"
CASES="${CASES:-string:32 string:256 zset hash}"
SERVER_CPU="${SERVER_CPU:-0}"

for tool in redis-server redis-cli taskset awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
done

# One case on a fresh pair of servers (a JVM keeps the heap it grew, so each case starts anew).
if [[ "${1:-}" == --case ]]; then
  CASE="$2"
  WORK="$(mktemp -d -t larder-memory.XXXXXX)"
  bench_on_exit() { if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$WORK"/*.log "$KEEP"/ 2>/dev/null || true; fi; }
  source "$ROOT/bench/servers.sh"
  [[ -z "${MAXMEMORY:-}" ]] || SERVER_ARGS=(--maxmemory "$MAXMEMORY")
  start_servers
  rss() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }
  used() { redis-cli -p "$1" info memory | awk -F: '/^used_memory:/ { print $2 }' | tr -d '\r'; }
  # The RESP stream of the case, written once and fed to both servers alike; COUNT items; CHECK the command
  # whose reply must be COUNT after the load.
  case "$CASE" in
    string:*)
      COUNT=$KEYS; CHECK=(dbsize)
      awk -v n="$KEYS" -v size="${CASE#string:}" 'BEGIN {
          v = sprintf("%" size "s", ""); gsub(/ /, "v", v)
          for (i = 1; i <= n; i++) {
            k = sprintf("key:%07d", i)
            printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, size, v
          }
        }' > "$WORK/load.resp" ;;
    zset)
      COUNT=$MEMBERS; CHECK=(zcard z)
      awk -v n="$MEMBERS" 'BEGIN {
          for (i = 1; i <= n; i += 1000) {
            last = i + 999 > n ? n : i + 999
            printf "*%d\r\n$4\r\nZADD\r\n$1\r\nz\r\n", 2 + 2 * (last - i + 1)
            for (j = i; j <= last; j++) {
              s = sprintf("%d", j); m = sprintf("m:%014d", j)
              printf "$%d\r\n%s\r\n$16\r\n%s\r\n", length(s), s, m
            }
          }
        }' > "$WORK/load.resp" ;;
    hash)
      COUNT=$HASHES; CHECK=(dbsize)
      awk -v n="$HASHES" 'BEGIN {
          for (i = 1; i <= n; i++) {
            k = sprintf("h:%07d", i)
            printf "*22\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n", length(k), k
            for (f = 0; f < 10; f++) {
              printf "$7\r\nfield:%d\r\n$16\r\nvalue-%010d\r\n", f, i * 10 + f
            }
          }
        }' > "$WORK/load.resp" ;;
    *) echo "bench: unknown case $CASE" >&2; exit 1 ;;
  esac
  row=""
  for server in redis larder; do
    port=$REDIS_PORT; pid=$REDIS_PID
    [[ $server == larder ]] && { port=$LARDER_PORT; pid=$LARDER_PID; }
    sleep 1
    empty_rss=$(rss "$pid"); empty_used=$(used "$port")
    redis-cli -p "$port" --pipe < "$WORK/load.resp" >/dev/null
    got="$(redis-cli -p "$port" "${CHECK[@]}")"
    [[ "$got" == "$COUNT" ]] || { echo "bench: $server: ${CHECK[*]} is $got, not $COUNT" >&2; exit 1; }
    sleep "$SETTLE"
    loaded_rss=$(rss "$pid"); loaded_used=$(used "$port")
    row="$row $(( (loaded_rss - empty_rss) / COUNT )) $(( (loaded_used - empty_used) / COUNT ))"
  done
  echo "$CASE $row"
  exit 0
fi

echo "| case | Redis RSS B/item | Larder RSS B/item | RSS Larder/Redis | Redis used_memory B/item | Larder used_memory B/item |"
echo "|---|---:|---:|---:|---:|---:|"
for case in $CASES; do
  read -r name redis_rss redis_used larder_rss larder_used < <(bash "$0" --case "$case")
  awk -v c="$name" -v rr="$redis_rss" -v lr="$larder_rss" -v ru="$redis_used" -v lu="$larder_used" \
    'BEGIN { printf "| %s | %d | %d | %.2f | %d | %d |\n", c, rr, lr, lr / rr, ru, lu }'
done
echo
echo "strings: $KEYS keys; zset: $MEMBERS members; hash: $HASHES hashes of 10 fields; loaded with redis-cli --pipe,"
echo "VmRSS read $SETTLE s after each load; maxmemory ${MAXMEMORY:-none}; $(redis-server --version | awk '{print $1, $2, $3}'); servers on CPU $SERVER_CPU"
