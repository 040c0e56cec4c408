#!/usr/bin/env bash
# Eviction figures of issue 5, Larder beside redis-server, both started with the same maxmemory and policy
# (no persistence, loopback, servers pinned to SERVER_CPU, the load tool to LOAD_CPU):
#   figure 2 (pressure): allkeys-lru, VOLUME x maxmemory of 64 B-16 KB values written by 8 pipelining
#     connections; peak VmRSS, used_memory sampled under load and after each of 2,000 lone writes.
#   figure 3 (quality): cache-aside (GET, SET on a miss) over KEYS_FACTOR x the keys that fit, Zipf(0.99),
#     seeded, for allkeys-lru and allkeys-lfu; hit ratio over the last two thirds of the requests.
#   figure 4 (latency): 90% GET / 10% SET from CONNECTIONS closed-loop clients over a keyspace larger than
#     maxmemory (every SET evicts), HdrHistogram p50/p99/p99.9 in microseconds.
# Environment: FIGURES (default "pressure quality latency"), MAXMEMORY_MB (256), VOLUME (3), VALUE (1024),
#   KEYS_FACTOR (5), REQUESTS (3000000), LATENCY_REQUESTS (1000000), CONNECTIONS (20), SEED (1),
#   SERVER_CPU (0), LOAD_CPU (1), KEEP (directory for the server logs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIGURES="${FIGURES:-pressure quality latency}"
MAXMEMORY_MB="${MAXMEMORY_MB:-256}"
VOLUME="${VOLUME:-3}"
VALUE="${VALUE:-1024}"
KEYS_FACTOR="${KEYS_FACTOR:-5}"
REQUESTS="${REQUESTS:-3000000}"
LATENCY_REQUESTS="${LATENCY_REQUESTS:-1000000}"
CONNECTIONS="${CONNECTIONS:-20}"
SEED="${SEED:-1}"
SERVER_CPU="${SERVER_CPU:-0}"
LOAD_CPU="${LOAD_CPU:-1}"
MAXMEMORY=$((MAXMEMORY_MB * 1024 * 1024))
HDR="${HDR:-$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar}"
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli taskset java
[[ -f "$HDR" ]] || { echo "bench: HdrHistogram jar not found at $HDR (mvn dependency:get -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2)" >&2; exit 1; }
TOOL=(taskset -c "$LOAD_CPU" java -cp "$HDR" "$ROOT/bench/Eviction.java")

# One figure on a fresh pair of servers with the given policy: prints "redis: ..." and "larder: ...".
run_case() { # run_case POLICY MODE ARGS...
  local policy="$1" mode="$2"; shift 2
  WORK="$(mktemp -d -t larder-eviction.XXXXXX)"
  SERVER_ARGS=(--maxmemory "${MAXMEMORY_MB}mb" --maxmemory-policy "$policy")
  bench_on_exit() { if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$WORK"/*.log "$KEEP"/ 2>/dev/null || true; fi; }
  start_servers
  for server in redis larder; do
    local port=$REDIS_PORT pid=$REDIS_PID
    [[ $server == larder ]] && { port=$LARDER_PORT; pid=$LARDER_PID; }
    if [[ $mode == pressure ]]; then
      echo "$server: $("${TOOL[@]}" pressure "$port" "$pid" "$MAXMEMORY" "$VOLUME")"
    else
      echo "$server: $("${TOOL[@]}" "$mode" "$port" "$@")"
    fi
  done
  stop_servers
  REDIS_PORT="" LARDER_PID=""
}

# Keys that fit: the value plus about 100 bytes of key and overhead per key.
FIT=$((MAXMEMORY / (VALUE + 100)))
for figure in $FIGURES; do
  case $figure in
    pressure)
      echo "## figure 2: allkeys-lru, maxmemory ${MAXMEMORY_MB}mb, ${VOLUME}x that volume written"
      run_case allkeys-lru pressure ;;
    quality)
      for policy in allkeys-lru allkeys-lfu; do
        echo "## figure 3: $policy, $((FIT * KEYS_FACTOR)) keys of $VALUE bytes (about ${KEYS_FACTOR}x what fits), Zipf(0.99), $REQUESTS requests, seed $SEED"
        run_case "$policy" cacheaside $((FIT * KEYS_FACTOR)) "$REQUESTS" "$VALUE" "$SEED"
      done ;;
    latency)
      echo "## figure 4: allkeys-lru, $((FIT * 2)) keys of $VALUE bytes, 90% GET / 10% SET, $CONNECTIONS connections, $LATENCY_REQUESTS requests"
      # The first fifth of each connection's requests (filling the cache, warming Larder's JIT) is not recorded.
      run_case allkeys-lru latency $((FIT * 2)) "$LATENCY_REQUESTS" "$VALUE" "$CONNECTIONS" "$SEED" ;;
    *) echo "bench: unknown figure $figure" >&2; exit 1 ;;
  esac
done
echo
echo "$(redis-server --version | awk '{print $1, $2, $3}'); servers on CPU $SERVER_CPU, load on CPU $LOAD_CPU"
