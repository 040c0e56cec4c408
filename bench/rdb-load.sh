#!/usr/bin/env bash
# Start-up load time of an RDB (issue 7), Redis and Larder on one core each: both write the mixed dataset of
# bench/mixed-dataset.py (70% strings, 10% hashes, 10% lists, 5% sets, 5% sorted sets) to their own file, then
# restart on it ROUNDS times, alternating, pinned to CPU 0 (taskset), Larder through ./larder server as users
# run it. Per round: the "DB loaded from disk" seconds of each log; Redis's CPU seconds at its first PONG;
# Larder's CPU seconds from its first LOADING reply to its first PONG, split by thread (the loading thread, the
# JIT compilers, the collector, the rest). The CPU figures hold up on a busy machine, the seconds do not.
# Usage: bench/rdb-load.sh [KEYS] [ROUNDS]   (defaults 1000000 and 5; needs a packaged Larder and redis-server)
# Ports: REDIS_PORT (default 25020) and LARDER_PORT (default 25021).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS=${1:-1000000}
ROUNDS=${2:-5}
R=${REDIS_PORT:-25020}
L=${LARDER_PORT:-25021}
WORK=$(mktemp -d /tmp/rdb-load-bench-XXXX)
LARDER_PID=""
trap 'redis-cli -p "$R" shutdown nosave >/dev/null 2>&1 || true; [[ -n "$LARDER_PID" ]] && kill "$LARDER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

cpu_seconds() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; }
await() { # await PORT REPLY: until PING answers REPLY (PONG, or LOADING while loading)
  for _ in $(seq 1 6000); do
    [[ "$(redis-cli -p "$1" ping 2>/dev/null)" == "$2"* ]] && return
    sleep 0.01
  done
  echo "bench: no $2 on port $1" >&2; exit 1
}
start_redis() { taskset -c 0 redis-server --port "$R" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/redis" \
  --logfile "$WORK/redis/redis.log" --pidfile "$WORK/redis/pid" --daemonize yes; }
start_larder() {
  (cd "$ROOT" && exec taskset -c 0 ./larder server --port "$L" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$WORK/larder" >> "$WORK/larder/larder.log" 2>&1) &
  LARDER_PID=$!
}
stop() { # stop PORT PID
  redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true
  wait "$2" 2>/dev/null || true # Larder is this script's child (reaped here); Redis, daemonized, is not
  while kill -0 "$2" 2>/dev/null; do sleep 0.05; done
}
# CPU seconds of each kind of thread of PID from PORT's first LOADING reply to its first PONG
thread_cpu() {
  python3 - "$1" "$2" <<'EOF'
import os, sys, socket, time, collections
pid, port = sys.argv[1], int(sys.argv[2])
def ping():
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=1) as s:
            s.sendall(b'PING\r\n'); return s.recv(64)
    except OSError:
        return b''
def threads():
    found = {}
    for t in os.listdir('/proc/%s/task' % pid):
        try:
            comm = open('/proc/%s/task/%s/comm' % (pid, t)).read().strip()
            stat = open('/proc/%s/task/%s/stat' % (pid, t)).read()
            f = stat[stat.rfind(')') + 2:].split()
            found[t] = (comm, (int(f[11]) + int(f[12])) / 100.0)
        except OSError:
            pass
    return found
def kind(comm):
    return 'load' if 'rdb-load' in comm else 'jit' if 'Compiler' in comm else 'gc' if 'GC' in comm or 'G1' in comm else 'other'
deadline = time.time() + 120
while not ping().startswith(b'-LOADING'):
    if time.time() > deadline or not os.path.exists('/proc/%s' % pid):
        sys.exit('bench: no LOADING reply from port %d' % port)
    time.sleep(0.002)
start = threads(); last = dict(start)
while True:
    reply = ping(); last.update(threads())  # a thread's last sample survives its exit
    if reply.startswith(b'+PONG'):
        break
    time.sleep(0.02)
total = collections.Counter()
for t, (comm, cpu) in last.items():
    total[kind(comm)] += cpu - start.get(t, (comm, 0))[1]
print('cpu %.2f (load %.2f jit %.2f gc %.2f other %.2f)' % (sum(total.values()), total['load'], total['jit'], total['gc'], total['other']))
EOF
}

mkdir -p "$WORK/redis" "$WORK/larder"
python3 "$ROOT/bench/mixed-dataset.py" "$KEYS" "$WORK/data.resp"
start_redis; await "$R" PONG
start_larder; await "$L" PONG
for p in $R $L; do redis-cli -p "$p" --pipe < "$WORK/data.resp" | tail -1; redis-cli -p "$p" save >/dev/null; done
stop "$R" "$(cat "$WORK/redis/pid")"; stop "$L" "$LARDER_PID"
echo "== $KEYS mixed keys, each server loading its own file ($(stat -c %s "$WORK/redis/dump.rdb") and $(stat -c %s "$WORK/larder/dump.rdb") bytes), pinned to CPU 0"
for round in $(seq 1 "$ROUNDS"); do
  start_redis; await "$R" PONG
  rpid=$(cat "$WORK/redis/pid")
  redis="$(grep -o 'DB loaded from disk: [0-9.]*' "$WORK/redis/redis.log" | tail -1 | grep -o '[0-9.]*$') s, cpu $(cpu_seconds "$rpid")"
  stop "$R" "$rpid"
  s=$(date +%s%N)
  start_larder
  larder_cpu=$(thread_cpu "$LARDER_PID" "$L"); e=$(date +%s%N)
  larder="$(grep -o 'DB loaded from disk: [0-9.]*' "$WORK/larder/larder.log" | tail -1 | grep -o '[0-9.]*$') s, $larder_cpu, first PONG after $(( (e - s) / 1000000 )) ms"
  stop "$L" "$LARDER_PID"; LARDER_PID=""
  echo "round $round: redis $redis | larder $larder"
done
