#!/usr/bin/env bash
# Compares Larder's memcached node with memcached 1.6 using memcaslap (Debian's memaslap), same conditions:
#   - `memcached -t 2` and `larder memcached -t 2` on free loopback ports, both pinned to SERVER_CPU (taskset);
#   - memcaslap pinned to CLIENT_CPU, 100-byte values, 32-byte keys, CONCURRENCY connections, SECONDS per run;
#   - workloads: set-only and 90/10 get/set, over the text and the binary protocol;
#   - Larder's JIT warmed up first (runs not counted); then ROUNDS rounds alternating which server goes first;
#   - median ops/s per workload and the Larder/memcached ratio as a markdown table, and ops per CPU second of
#     each server (ops / its user+system time during the run), which a busy machine disturbs much less;
#   - then memory: resident size growth per item after 1,000,000 sets of 100-byte values (ITEMS to change).
# Environment: SECONDS_PER_RUN (default 10), ROUNDS (default 3; 0 = memory figure only), CONCURRENCY (default 32),
#              SERVER_CPU (default 0), CLIENT_CPU (default 1), ITEMS (default 1000000; 0 skips the memory figure),
#              KEEP (directory to keep raw outputs and server logs in).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
ROUNDS="${ROUNDS:-3}"
CONCURRENCY="${CONCURRENCY:-32}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
ITEMS="${ITEMS:-1000000}"

for tool in memcached memcaslap taskset python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install memcached libmemcached-tools util-linux)" >&2; exit 1; }
done

WORK="$(mktemp -d -t larder-mcbench.XXXXXX)"
RESULTS="$WORK/results.csv"   # server,workload,round,ops,ops per server CPU second
MC_PID=""
LARDER_PID=""

stop_servers() {
  for pid in "$MC_PID" "$LARDER_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$WORK"/* "$KEEP"/; fi
  rm -rf "$WORK"
}
trap stop_servers EXIT

free_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 200); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "bench: no free port" >&2; exit 1
}

await_version() { # await_version PORT NAME
  for _ in $(seq 1 600); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
      printf 'version\r\n' >&3
      local line=""
      read -r -t 2 line <&3 || true
      exec 3>&-
      [[ "$line" == VERSION* ]] && return
    fi
    sleep 0.1
  done
  echo "bench: $2 did not answer on port $1" >&2; exit 1
}

start_memcached() {
  MC_PORT=$(free_port)
  taskset -c "$SERVER_CPU" memcached -p "$MC_PORT" -l 127.0.0.1 -U 0 -t 2 -m 1024 -u nobody >"$WORK/memcached.log" 2>&1 &
  MC_PID=$!
  await_version "$MC_PORT" memcached
}

start_larder() {
  [[ -f "$ROOT/larder-cli/target/larder-cli-0.1.0-SNAPSHOT.jar" ]] || "$ROOT/larder" build
  LARDER_PORT=$(free_port)
  taskset -c "$SERVER_CPU" "$ROOT/larder" memcached -p "$LARDER_PORT" -l 127.0.0.1 -U 0 -t 2 -m 1024 \
    >"$WORK/larder.log" 2>&1 &
  LARDER_PID=$!
  await_version "$LARDER_PORT" larder
}

# memcaslap's workload file: key and value sizes, then the set/get proportions.
workload_file() { # workload_file NAME SET_PROPORTION GET_PROPORTION
  cat > "$WORK/$1.cfg" <<CFG
key
32 32 1
value
100 100 1
cmd
0 $2
1 $3
CFG
}
workload_file set 1.0 0.0
workload_file getset 0.1 0.9
WORKLOADS=("set text" "getset text" "set binary" "getset binary")

# CPU time a process has used, in clock ticks (user + system, all threads).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

bench() { # bench SERVER PORT ROUND
  local server=$1 port=$2 round=$3 w name proto flags out ops pid t0 t1 per_cpu
  pid=$MC_PID; [[ $server == larder ]] && pid=$LARDER_PID
  for w in "${WORKLOADS[@]}"; do
    read -r name proto <<<"$w"
    flags=(); [[ $proto == binary ]] && flags=(-B)
    t0=$(cpu_ticks "$pid")
    out=$(taskset -c "$CLIENT_CPU" memcaslap -s "127.0.0.1:$port" -T 1 -c "$CONCURRENCY" -t "${SECONDS_PER_RUN}s" \
          -F "$WORK/$name.cfg" "${flags[@]}" 2>&1) || true
    t1=$(cpu_ticks "$pid")
    echo "$out" > "$WORK/$server-$name-$proto-$round.txt"
    ops=$(echo "$out" | awk '/^Run time:/ { for (i = 1; i <= NF; i++) if ($i == "TPS:") print $(i + 1) }' | tail -1)
    [[ -z "$ops" ]] && { echo "bench: $server $name/$proto: no TPS in memcaslap output" >&2; continue; }
    [[ "$round" == warmup ]] && continue
    per_cpu=$(awk -v o="$ops" -v s="$SECONDS_PER_RUN" -v d="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { if (d > 0) printf "%d", o * s / (d / hz); else print 0 }')
    echo "$server,$name-$proto,$round,$ops,$per_cpu" >> "$RESULTS"
  done
}

start_memcached
start_larder
echo "bench: memcached on $MC_PORT (pid $MC_PID), larder on $LARDER_PORT (pid $LARDER_PID); ${SECONDS_PER_RUN}s runs, rounds=$ROUNDS" >&2
if (( ROUNDS > 0 )); then
echo "bench: warming up Larder's JIT" >&2
bench larder "$LARDER_PORT" warmup
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order=(memcached larder); else order=(larder memcached); fi
  for server in "${order[@]}"; do
    port=$MC_PORT; [[ $server == larder ]] && port=$LARDER_PORT
    bench "$server" "$port" "$round"
  done
done

echo
echo "| workload | memcached ops/s | Larder ops/s | Larder/memcached | memcached ops/CPU-s | Larder ops/CPU-s | ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for w in "${WORKLOADS[@]}"; do
  read -r name proto <<<"$w"
  key="$name-$proto"
  med() { grep ",$key," "$RESULTS" | grep "^$1," | cut -d, -f"$2" | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print 0 }'; }
  div() { awk -v l="$1" -v m="$2" 'BEGIN { if (m > 0) printf "%.2f", l / m; else print "n/a" }'; }
  m=$(med memcached 4); l=$(med larder 4); mc=$(med memcached 5); lc=$(med larder 5)
  label="set-only"; [[ $name == getset ]] && label="90% get / 10% set"
  echo "| $label, $proto | $m | $l | $(div "$l" "$m") | $mc | $lc | $(div "$lc" "$mc") |"
done
fi

(( ITEMS > 0 )) || exit 0
# Memory: resident size growth while loading ITEMS distinct 100-byte values (pipelined noreply sets), into
# fresh servers: the throughput rounds have filled (and grown) the ones above.
if (( ROUNDS > 0 )); then
  stop_servers
  WORK="$(mktemp -d -t larder-mcbench.XXXXXX)"
  MC_PID=""; LARDER_PID=""
  start_memcached
  start_larder
fi
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
load() { # load PORT
  python3 - "$1" "$ITEMS" <<'PY'
import socket, sys
port, items = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
value = b"v" * 100
batch = []
for i in range(items):
    batch.append(b"set key:%010d 0 0 100 noreply\r\n%s\r\n" % (i, value))
    if len(batch) == 1000:
        s.sendall(b"".join(batch)); batch = []
s.sendall(b"".join(batch) + b"mn\r\n")
buf = b""
while not buf.endswith(b"MN\r\n"):
    buf += s.recv(65536)
PY
}
items_of() { # items_of PORT
  python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(b"stats\r\n"); buf = b""
while not buf.endswith(b"END\r\n"):
    buf += s.recv(65536)
print([l.split()[2] for l in buf.decode().splitlines() if l.startswith("STAT curr_items ")][0])
PY
}
echo
echo "| $ITEMS items of 100 bytes | memcached | Larder |"
echo "|---|---:|---:|"
before_m=$(rss_kb "$MC_PID"); load "$MC_PORT"; after_m=$(rss_kb "$MC_PID"); items_m=$(items_of "$MC_PORT")
# The launcher execs java, so LARDER_PID is the JVM; its growth includes heap the collector has not given back.
before_l=$(rss_kb "$LARDER_PID"); load "$LARDER_PORT"; sleep 2
after_l=$(rss_kb "$LARDER_PID"); items_l=$(items_of "$LARDER_PORT")
echo "| items stored | $items_m | $items_l |"
echo "| resident size growth | $(( (after_m - before_m) / 1024 )) MiB | $(( (after_l - before_l) / 1024 )) MiB |"
echo "| bytes per item | $(( (after_m - before_m) * 1024 / ITEMS )) | $(( (after_l - before_l) * 1024 / ITEMS )) |"
