#!/usr/bin/env bash
# SET throughput with the append-only file (issue 7), Larder against redis-server under the same conditions:
#   - both servers on free loopback ports pinned to SERVER_CPU (taskset), redis-benchmark pinned to CLIENT_CPU;
#   - the load of bench/durability.sh part 4: redis-benchmark -t set -n $N -r 100000 -c 50 -d 64 (no pipelining);
#   - in each mode (MODES: the AOF off, appendfsync everysec, appendfsync always), switched on both servers with
#     CONFIG SET (each writes its AOF in a directory of its own), ROUNDS rounds alternating which server goes
#     first, after a warm-up run of Larder in that mode (JIT);
#   - medians of SET/s and of the server's CPU seconds per 100,000 SETs (utime + stime of the whole process from
#     /proc/PID/stat, threads included): the CPU figure is the one to trust when other work shares the machine.
# Environment: N (requests per run, default 200000), ROUNDS (default 5), SERVER_CPU (default 0), CLIENT_CPU
#              (default 1), MODES (default "off everysec always"), KEEP (directory to keep the raw results in).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-200000}"
ROUNDS="${ROUNDS:-5}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
MODES="${MODES:-off everysec always}"

WORK="$(mktemp -d -t larder-aof-bench.XXXXXX)"
RESULTS="$WORK/results.csv"   # server,mode,round,rps,cpu_seconds_per_100k
bench_on_exit() { if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$RESULTS" "$KEEP"/; fi; }
SERVER_ARGS=(--enable-protected-configs yes) # CONFIG SET dir: each server's AOF in a directory of its own
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli redis-benchmark taskset

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

info_field() { # info_field PORT FIELD
  redis-cli -p "$1" info persistence | awk -F: -v f="$2" '$1 == f { print $2 }' | tr -d '\r'
}

# mode PORT MODE: turns the AOF off or on with that appendfsync, and waits for the rewrite that starts it.
mode() {
  local port=$1 mode=$2
  if [[ $mode == off ]]; then
    redis-cli -p "$port" config set appendonly no >/dev/null
    return
  fi
  redis-cli -p "$port" config set appendfsync "$mode" >/dev/null
  redis-cli -p "$port" config set appendonly yes >/dev/null
  for _ in $(seq 1 600); do
    [[ "$(info_field "$port" aof_enabled)" == 1 && "$(info_field "$port" aof_rewrite_in_progress)" == 0 ]] && return
    sleep 0.1
  done
  echo "bench: the AOF of port $port did not start" >&2; exit 1
}

# run SERVER MODE ROUND: one redis-benchmark run, appended to $RESULTS (ROUND "warmup" is discarded).
run() {
  local server=$1 mode=$2 round=$3 port=$REDIS_PORT pid=$REDIS_PID before after out rps
  if [[ $server == larder ]]; then port=$LARDER_PORT; pid=$LARDER_PID; fi
  redis-cli -p "$port" flushall >/dev/null
  before=$(cpu_ticks "$pid")
  out=$(taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$N" -r 100000 -c 50 -d 64 --csv)
  after=$(cpu_ticks "$pid")
  rps=$(echo "$out" | grep '^"SET"' | tr -d '"' | cut -d, -f2)
  [[ $round == warmup ]] && return
  awk -v s="$server" -v m="$mode" -v r="$round" -v rps="$rps" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    -v n="$N" 'BEGIN { printf "%s,%s,%s,%s,%.3f\n", s, m, r, rps, t / hz * 100000 / n }' >> "$RESULTS"
}

column_median() { # column_median SERVER MODE COLUMN (4=rps, 5=cpu s per 100k)
  awk -F, -v s="$1" -v m="$2" -v c="$3" '$1 == s && $2 == m { print $c }' "$RESULTS" | median
}

start_servers
mkdir -p "$WORK/redis" "$WORK/larder"
redis-cli -p "$REDIS_PORT" config set dir "$WORK/redis" | grep -qx OK
redis-cli -p "$LARDER_PORT" config set dir "$WORK/larder" | grep -qx OK
for port in "$REDIS_PORT" "$LARDER_PORT"; do
  # No automatic rewrite during a run: Redis's happens in a forked child, whose CPU its process does not count.
  redis-cli -p "$port" config set auto-aof-rewrite-percentage 0 >/dev/null
done
echo "bench: redis-server on $REDIS_PORT (pid $REDIS_PID), larder on $LARDER_PORT (pid $LARDER_PID); N=$N, rounds=$ROUNDS" >&2

for m in $MODES; do
  mode "$REDIS_PORT" "$m"
  mode "$LARDER_PORT" "$m"
  echo "bench: $m: warming up Larder" >&2
  run larder "$m" warmup
  for round in $(seq 1 "$ROUNDS"); do
    if (( round % 2 )); then order=(redis larder); else order=(larder redis); fi
    for server in "${order[@]}"; do
      echo "bench: $m, round $round, $server" >&2
      run "$server" "$m" "$round"
    done
  done
done

echo
echo "| AOF | Redis SET/s | Larder SET/s | Larder/Redis | Redis CPU s per 100k SETs | Larder CPU s per 100k SETs | CPU Larder/Redis |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for m in $MODES; do
  rr=$(column_median redis "$m" 4); lr=$(column_median larder "$m" 4)
  rc=$(column_median redis "$m" 5); lc=$(column_median larder "$m" 5)
  label=$m; [[ $m != off ]] && label="appendfsync $m"
  awk -v m="$label" -v rr="$rr" -v lr="$lr" -v rc="$rc" -v lc="$lc" 'BEGIN {
    printf "| %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.2f |\n", m, rr, lr, lr / rr, rc, lc, lc / rc }'
done
