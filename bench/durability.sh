#!/usr/bin/env bash
# Durability figures (issue 7), Redis and Larder side by side on the same machine:
#   1. BGSAVE time and RDB size of N mixed keys (70% strings, 10% hashes, 10% lists, 5% sets, 5% sorted sets)
#   2. start-up load time of that file (the "DB loaded from disk" line each server logs, and the wall time
#      from start to the first PONG)
#   3. extra memory of a BGSAVE while a write load rewrites 50% of the keys: Redis's fork copy-on-write
#      (rdb_last_cow_size) against Larder's stripes captured ahead (rdb_last_cow_size) and its RSS growth
#   4. SET throughput (redis-benchmark) with the AOF off, appendfsync everysec and always: bench/aof.sh, pinned
# Usage: bench/durability.sh [KEYS]   (default 1000000; run it small, e.g. 50000, to check it works)
# Ports: REDIS_PORT (default 25010) and LARDER_PORT (default 25011) for parts 1-3 (part 4 picks free ports);
# AOF_ROUNDS (default 3): part 4's rounds. Needs redis-server, redis-cli, redis-benchmark, python3, taskset and a
# packaged Larder (mvn -DskipTests -pl larder-cli -am package).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS=${1:-1000000}
R=${REDIS_PORT:-25010}
L=${LARDER_PORT:-25011}
WORK=$(mktemp -d /tmp/durability-bench-XXXX)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAR="$ROOT/larder-cli/target/larder-cli-0.1.0-SNAPSHOT.jar"
LARDER_PID=""

for tool in redis-server redis-cli redis-benchmark python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
done
[[ -f "$JAR" ]] || { echo "bench: package Larder first (mvn -q -B -DskipTests -pl larder-cli -am package)" >&2; exit 1; }

stop_all() {
  redis-cli -p "$R" shutdown nosave >/dev/null 2>&1 || true
  if [[ -n "$LARDER_PID" ]] && kill -0 "$LARDER_PID" 2>/dev/null; then
    kill "$LARDER_PID"; wait "$LARDER_PID" 2>/dev/null || true
  fi
  LARDER_PID=""
}
trap 'stop_all; rm -rf "$WORK"' EXIT

await_pong() { # await_pong PORT: waits until PING answers PONG (not LOADING)
  for _ in $(seq 1 3000); do
    [[ "$(redis-cli -p "$1" ping 2>/dev/null)" == PONG ]] && return
    sleep 0.02
  done
  echo "bench: nothing answered PONG on port $1" >&2; exit 1
}

start_redis() { # start_redis DIR [options]
  local dir=$1; shift
  redis-server --port "$R" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --logfile "$dir/redis.log" \
    --daemonize yes "$@"
  await_pong "$R"
}

start_larder() { # start_larder DIR [options]
  local dir=$1; shift
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$JAR:$ROOT/larder-cli/target/lib/*" \
    io.larder.cli.Larder server --port "$L" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" "$@" \
    >>"$dir/larder.log" 2>&1 &
  LARDER_PID=$!
  await_pong "$L"
}

rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }

mkdir -p "$WORK/redis" "$WORK/larder"
DATA="$WORK/data.resp"
REWRITE="$WORK/rewrite.resp"
python3 "$ROOT/bench/mixed-dataset.py" "$KEYS" "$DATA" "$REWRITE"

echo "== $KEYS mixed keys (indicative figures: the machine is shared)"
start_redis "$WORK/redis" --enable-debug-command yes
start_larder "$WORK/larder" --enable-debug-command yes
for p in $R $L; do redis-cli -p "$p" --pipe < "$DATA" | tail -1; done
echo "DEBUG DIGEST redis $(redis-cli -p "$R" debug digest) larder $(redis-cli -p "$L" debug digest)"

bgsave_ms() { # bgsave_ms PORT: runs a BGSAVE, prints its wall time in ms
  local s e
  s=$(date +%s%N)
  redis-cli -p "$1" bgsave >/dev/null
  sleep 0.02
  while redis-cli -p "$1" info persistence | grep -q "rdb_bgsave_in_progress:1"; do sleep 0.01; done
  e=$(date +%s%N)
  echo $(( (e - s) / 1000000 ))
}
echo "-- 1. BGSAVE (3 rounds, ms) and file size"
for p in $R $L; do
  name=$([[ $p == "$R" ]] && echo redis || echo larder)
  echo "$name BGSAVE ms: $(bgsave_ms "$p") $(bgsave_ms "$p") $(bgsave_ms "$p");" \
       "dump.rdb $(stat -c %s "$WORK/$name/dump.rdb") bytes"
done

echo "-- 3. extra memory of a BGSAVE while 50% of the keys are rewritten"
for p in $R $L; do
  name=$([[ $p == "$R" ]] && echo redis || echo larder)
  pid=$([[ $p == "$R" ]] && redis-cli -p "$R" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r' || echo "$LARDER_PID")
  before=$(rss_kb "$pid")
  dataset=$(redis-cli -p "$p" info memory | awk -F: '/^used_memory_dataset:/ {print $2}' | tr -d '\r')
  redis-cli -p "$p" bgsave >/dev/null
  redis-cli -p "$p" --pipe < "$REWRITE" >/dev/null &
  loader=$!
  peak=$before
  while redis-cli -p "$p" info persistence | grep -q "rdb_bgsave_in_progress:1" || kill -0 "$loader" 2>/dev/null; do
    now=$(rss_kb "$pid"); (( now > peak )) && peak=$now
    sleep 0.05
  done
  wait "$loader"
  cow=$(redis-cli -p "$p" info persistence | awk -F: '/^rdb_last_cow_size:/ {print $2}' | tr -d '\r')
  echo "$name: rdb_last_cow_size $cow bytes; process RSS before ${before} kB, peak ${peak} kB;" \
       "used_memory_dataset $dataset bytes"
done

echo "-- 2. start-up load time of the file"
redis-cli -p "$R" save >/dev/null; redis-cli -p "$L" save >/dev/null
stop_all
s=$(date +%s%N); start_redis "$WORK/redis"; e=$(date +%s%N)
echo "redis: $(grep -o 'DB loaded from disk: [0-9.]* seconds' "$WORK/redis/redis.log" | tail -1); first PONG after $(( (e - s) / 1000000 )) ms"
s=$(date +%s%N); start_larder "$WORK/larder"; e=$(date +%s%N)
echo "larder: $(grep -o 'DB loaded from disk: [0-9.]* seconds' "$WORK/larder/larder.log" | tail -1); first PONG after $(( (e - s) / 1000000 )) ms (includes JVM start)"
stop_all

echo "-- 4. SET throughput with the AOF off, everysec and always: bench/aof.sh (servers on CPU 0, redis-benchmark"
echo "   on CPU 1, -t set -n 200000 -r 100000 -c 50 -d 64, alternating rounds, medians)"
ROUNDS="${AOF_ROUNDS:-3}" "$ROOT/bench/aof.sh"
