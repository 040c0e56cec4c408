#!/usr/bin/env bash
# Replication figures (issue 9), Larder->Larder against Redis->Redis under the same conditions:
#   1. full sync of N mixed keys (bench/mixed-dataset.py: 70% strings, 10% hashes, 10% lists, 5% sets, 5% sorted
#      sets): ms from REPLICAOF on an empty replica until it reports master_link_status:up with DBSIZE equal to
#      the primary's, with repl-diskless-sync no (disk) and yes (diskless; repl-diskless-sync-delay 0);
#   2. primary SET throughput (redis-benchmark -t set -P 16 -c 50) without replicas, then with 2 attached, and in
#      that run each server's CPU seconds (utime+stime from /proc/PID/stat, until both replicas have applied the
#      whole stream) per million SETs: the primary's and each replica's, a figure the machine's other load
#      disturbs far less than throughput;
#   3. replication lag while RATE SET/s are written for LAG_SECONDS (bench/replication.py lag): p99 in bytes
#      (offsets) and in ms (a timestamp key written every 1 ms batch, read on the replica then on the primary).
# The writes of 2 and 3 go to database 1, flushed after each round, so every full sync moves the N keys alone.
# Every server runs without persistence on a free loopback port in 28500-28999, the primary pinned to SERVER_CPU,
# the replicas to REPLICA_CPU (default the same: on 2 cores the replicas then compete with their primary for CPU,
# which is part of the throughput drop); the load tools run on CLIENT_CPU. Larder's JIT is warmed with one
# unrecorded sync and benchmark runs without and with the 2 replicas. Prints the median of ROUNDS rounds and the
# Larder/Redis ratio.
# Environment: N (1000000), ROUNDS (3), BENCH_N (1000000 SETs a throughput run), RATE (50000), LAG_SECONDS (10),
#              SERVER_CPU (0), CLIENT_CPU (1), REPLICA_CPU (SERVER_CPU; a list such as 2,3 works). Needs
#              redis-server, redis-cli, redis-benchmark, python3, taskset and
#              a packaged Larder (mvn -q -B -DskipTests -pl larder-cli -am package).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-1000000}"
ROUNDS="${ROUNDS:-3}"
BENCH_N="${BENCH_N:-1000000}"
RATE="${RATE:-50000}"
LAG_SECONDS="${LAG_SECONDS:-10}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
REPLICA_CPU="${REPLICA_CPU:-$SERVER_CPU}"
HELPER="$ROOT/bench/replication.py"

WORK="$(mktemp -d -t larder-repl.XXXXXX)"
REPLICA_PIDS=()
REPLICA_PORTS=()
bench_on_exit() {
  local p pid
  for p in "${REPLICA_PORTS[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  for pid in "${REPLICA_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
}
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli redis-benchmark python3 taskset

free_port() { # this bench's port range
  local p
  for p in $(shuf -i 28500-28999 -n 200); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "bench: no free port in 28500-28999" >&2; exit 1
}

start_replica() { # start_replica redis|larder NAME: an empty node to become a replica (its port goes to REPLICA_PORTS)
  local port dir="$WORK/$2"
  port=$(free_port)
  mkdir -p "$dir"
  if [[ $1 == redis ]]; then
    taskset -c "$REPLICA_CPU" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$dir" --logfile "$dir/redis.log" --daemonize yes
  else
    taskset -c "$REPLICA_CPU" "$ROOT/larder" server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$dir" >"$dir/larder.log" 2>&1 &
    REPLICA_PIDS+=($!)
  fi
  REPLICA_PORTS+=("$port")
  await_ping "$port" "$1 replica $2"
}

start_servers
mkdir -p "$WORK/redis-primary" "$WORK/larder-primary"
redis-cli -p "$REDIS_PORT" config set dir "$WORK/redis-primary" >/dev/null
redis-cli -p "$LARDER_PORT" config set dir "$WORK/larder-primary" >/dev/null
for name in a b; do start_replica redis "redis-$name"; start_replica larder "larder-$name"; done
declare -A PRIMARY=([redis]=$REDIS_PORT [larder]=$LARDER_PORT)
declare -A REPLICA_A=([redis]=${REPLICA_PORTS[0]} [larder]=${REPLICA_PORTS[1]})
declare -A REPLICA_B=([redis]=${REPLICA_PORTS[2]} [larder]=${REPLICA_PORTS[3]})

python3 "$ROOT/bench/mixed-dataset.py" "$N" "$WORK/data.resp"
for server in redis larder; do
  redis-cli -p "${PRIMARY[$server]}" --pipe <"$WORK/data.resp" >/dev/null
  echo "bench: $server primary holds $(redis-cli -p "${PRIMARY[$server]}" dbsize) keys" >&2
done
: >"$WORK/results"

detach() { # detach PORT: the node stops replicating and forgets the data it had
  redis-cli -p "$1" replicaof no one >/dev/null
  redis-cli -p "$1" flushall >/dev/null
}

full_sync() { # full_sync SERVER MODE: prints the helper's line
  local primary=${PRIMARY[$1]} replica=${REPLICA_A[$1]} line
  redis-cli -p "$primary" config set repl-diskless-sync "$([[ $2 == diskless ]] && echo yes || echo no)" \
    repl-diskless-sync-delay 0 >/dev/null
  detach "$replica"
  line=$(taskset -c "$CLIENT_CPU" python3 "$HELPER" sync "$primary" "$replica")
  [[ $line == *full_syncs=1* ]] || { echo "bench: $1 $2 was not one full sync: $line" >&2; exit 1; }
  detach "$replica"
  echo "$line"
}

set_rps() { # set_rps PORT: SET ops/s of one redis-benchmark run
  taskset -c "$CLIENT_CPU" redis-benchmark -p "$1" -t set -c 50 -P 16 -r 1000000 -n "$BENCH_N" --dbnum 1 --csv 2>/dev/null |
    benchmark_rows x 16 0 | cut -d, -f5
}

pid_of() { redis-cli -p "$1" info server | awk -F: '/^process_id:/ { print $2 }' | tr -d '\r'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
repl_offset() { # repl_offset PORT FIELD
  redis-cli -p "$1" info replication | awk -F: -v f="$2" '$1 == f { print $2 }' | tr -d '\r'
}

await_applied() { # await_applied PRIMARY REPLICA...: until every replica applied the primary's whole stream
  local end r
  end=$(repl_offset "$1" master_repl_offset)
  shift
  for r in "$@"; do
    for _ in $(seq 1 6000); do
      (( $(repl_offset "$r" slave_repl_offset) >= end )) && break
      sleep 0.05
    done
  done
}

await_up() { # await_up PORT: until the replica's link is up
  for _ in $(seq 1 6000); do
    redis-cli -p "$1" info replication | grep -q '^master_link_status:up' && return
    sleep 0.05
  done
  echo "bench: replica on port $1 did not come up" >&2; exit 1
}

echo "bench: warming up Larder's JIT" >&2
full_sync larder disk >/dev/null
set_rps "$LARDER_PORT" >/dev/null
set_rps "$LARDER_PORT" >/dev/null
# The replicas' stream-applying path and the primary's sending path are compiled too, as the first measured
# round would otherwise run them interpreted.
for replica in "${REPLICA_A[larder]}" "${REPLICA_B[larder]}"; do
  redis-cli -p "$replica" replicaof 127.0.0.1 "$LARDER_PORT" >/dev/null
done
await_up "${REPLICA_A[larder]}"; await_up "${REPLICA_B[larder]}"
set_rps "$LARDER_PORT" >/dev/null
set_rps "$LARDER_PORT" >/dev/null
detach "${REPLICA_A[larder]}"; detach "${REPLICA_B[larder]}"
redis-cli -p "$LARDER_PORT" -n 1 flushdb >/dev/null

for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order=(redis larder); else order=(larder redis); fi
  for server in "${order[@]}"; do
    for mode in disk diskless; do
      line=$(full_sync "$server" "$mode")
      echo "$server round $round full sync $mode: $line" >&2
      echo "$server sync-$mode ${line%% *}" | sed 's/ms=//' >>"$WORK/results"
    done
  done
  for server in "${order[@]}"; do
    rps=$(set_rps "${PRIMARY[$server]}")
    echo "$server round $round SET -P 16 without replicas: $rps" >&2
    echo "$server rps-alone $rps" >>"$WORK/results"
    for replica in "${REPLICA_A[$server]}" "${REPLICA_B[$server]}"; do
      redis-cli -p "$replica" replicaof 127.0.0.1 "${PRIMARY[$server]}" >/dev/null
    done
    await_up "${REPLICA_A[$server]}"; await_up "${REPLICA_B[$server]}"
    nodes=("${PRIMARY[$server]}" "${REPLICA_A[$server]}" "${REPLICA_B[$server]}")
    pids=(); before=()
    for port in "${nodes[@]}"; do pids+=("$(pid_of "$port")"); before+=("$(cpu_ticks "${pids[-1]}")"); done
    rps=$(set_rps "${PRIMARY[$server]}")
    await_applied "${nodes[@]}"
    echo "$server round $round SET -P 16 with 2 replicas: $rps" >&2
    echo "$server rps-replicas $rps" >>"$WORK/results"
    for i in 0 1 2; do
      cpu=$(awk -v t="$(( $(cpu_ticks "${pids[$i]}") - before[i] ))" -v hz="$(getconf CLK_TCK)" -v n="$BENCH_N" \
        'BEGIN { printf "%.2f", t / hz / (n / 1e6) }')
      echo "$server round $round CPU s per million SETs, ${nodes[$i]}: $cpu" >&2
      echo "$server cpu-$i $cpu" >>"$WORK/results"
    done
    line=$(taskset -c "$CLIENT_CPU" python3 "$HELPER" lag "${PRIMARY[$server]}" "${REPLICA_A[$server]}" "$RATE" "$LAG_SECONDS")
    echo "$server round $round lag at $RATE SET/s with 2 replicas: $line" >&2
    for field in rate lag_bytes_p99 lag_ms_p99; do
      echo "$server $field $(tr ' ' '\n' <<<"$line" | grep "^$field=" | cut -d= -f2)" >>"$WORK/results"
    done
    detach "${REPLICA_A[$server]}"; detach "${REPLICA_B[$server]}"
    redis-cli -p "${PRIMARY[$server]}" -n 1 flushdb >/dev/null  # the next full sync sees the N keys alone
  done
done

value() { awk -v s="$1" -v k="$2" '$1 == s && $2 == k { print $3 }' "$WORK/results" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
drop() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", (1 - b / a) * 100 }'; }
row() { # row LABEL KEY
  local r l
  r=$(value redis "$2"); l=$(value larder "$2")
  echo "| $1 | $r | $l | $(ratio "$l" "$r") |"
}
echo
echo "| figure | Redis | Larder | Larder/Redis |"
echo "|---|---:|---:|---:|"
row "full sync, disk (ms)" sync-disk
row "full sync, diskless (ms)" sync-diskless
row "SET -P 16 ops/s, no replica" rps-alone
row "SET -P 16 ops/s, 2 replicas" rps-replicas
echo "| throughput drop with 2 replicas | $(drop "$(value redis rps-alone)" "$(value redis rps-replicas)") |" \
  "$(drop "$(value larder rps-alone)" "$(value larder rps-replicas)") | |"
row "CPU s per million SETs: primary (2 replicas)" cpu-0
row "CPU s per million SETs: replica A" cpu-1
row "CPU s per million SETs: replica B" cpu-2
row "lag run: achieved SET/s" rate
row "lag p99 (bytes)" lag_bytes_p99
row "lag p99 (ms)" lag_ms_p99
echo
echo "$N mixed keys, $ROUNDS rounds (medians), primaries on CPU $SERVER_CPU, replicas on CPU $REPLICA_CPU, load on" \
  "CPU $CLIENT_CPU; throughput: $BENCH_N SETs, -c 50 -P 16 -r 1000000; lag: $RATE SET/s for $LAG_SECONDS s," \
  "sampled every 10 ms. For times and lag a ratio below 1 is better for Larder; for ops/s above 1."
