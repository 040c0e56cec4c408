#!/usr/bin/env bash
# GET/SET over TLS: Larder against redis-server (Debian's, built with OpenSSL) under the same conditions:
#   - a CA, a node certificate and a client certificate made by `./larder certs`; both servers take the same files
#     (tls-auth-clients yes: redis-benchmark presents the client certificate), no persistence, loopback;
#   - Larder twice: on BoringSSL (netty-tcnative, its default) and on the JDK's TLS engine
#     (-Dlarder.tls.provider=jdk), unless ENGINES names only one;
#   - servers pinned to SERVER_CPU, redis-benchmark (--tls) to CLIENT_CPU; Larder's JIT warmed up first (runs not
#     counted); ROUNDS rounds, alternating the order of the servers; medians of ops/s, p50 and p99 per command
#     and depth, with the ratios to Redis, as a markdown table.
# Environment: N (requests per run, default 100000), ROUNDS (default 3), CLIENTS (default 50),
#              SERVER_CPU (default 0), CLIENT_CPU (default 1), TESTS (default get,set),
#              ENGINES (Larder's TLS engines, default "openssl jdk"), KEEP (directory to keep results and logs in).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-100000}"
ROUNDS="${ROUNDS:-3}"
CLIENTS="${CLIENTS:-50}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
TESTS="${TESTS:-get,set}"
ENGINES="${ENGINES:-openssl jdk}"
DEPTHS=(1 16)

WORK="$(mktemp -d -t larder-tls-bench.XXXXXX)"
RESULTS="$WORK/results.csv"   # server,depth,round,test,rps,p50,p99
declare -A TLS_PORT=() PLAIN_PORT=()
LARDER_PIDS=()
bench_on_exit() {
  local pid
  for pid in "${LARDER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp -r "$WORK"/* "$KEEP"/; fi
}
source "$ROOT/bench/servers.sh"
require_tools redis-server redis-cli redis-benchmark taskset
if ! ldd "$(command -v redis-server)" | grep -q libssl; then
  echo "bench: this redis-server is built without TLS" >&2; exit 1
fi
[[ -f "$ROOT/larder-cli/target/larder-cli-0.1.0-SNAPSHOT.jar" ]] || "$ROOT/larder" build

CERTS="$WORK/tls"
"$ROOT/larder" certs ca --out "$CERTS" >/dev/null
"$ROOT/larder" certs node --ca "$CERTS" --name node --ip 127.0.0.1 --dns localhost >/dev/null
"$ROOT/larder" certs client --ca "$CERTS" --name client >/dev/null
tls_args() { # tls_args PORT
  echo --tls-port "$1" --tls-cert-file "$CERTS/node.crt" --tls-key-file "$CERTS/node.key" \
    --tls-ca-cert-file "$CERTS/ca.crt"
}

# redis-server: REDIS_PORT is what servers.sh shuts down on exit.
REDIS_PORT=$(free_port); PLAIN_PORT[redis]=$REDIS_PORT; TLS_PORT[redis]=$(free_port)
taskset -c "$SERVER_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$WORK" --logfile "$WORK/redis.log" --daemonize yes $(tls_args "${TLS_PORT[redis]}")
await_ping "$REDIS_PORT" redis-server
SERVERS=(redis)
for engine in $ENGINES; do
  name="larder-$engine"
  PLAIN_PORT[$name]=$(free_port); TLS_PORT[$name]=$(free_port)
  LARDER_JAVA_OPTS="-Dlarder.tls.provider=$engine" taskset -c "$SERVER_CPU" "$ROOT/larder" server \
    --port "${PLAIN_PORT[$name]}" --bind 127.0.0.1 --save '' --appendonly no $(tls_args "${TLS_PORT[$name]}") \
    >"$WORK/$name.log" 2>&1 &
  LARDER_PIDS+=($!)
  await_ping "${PLAIN_PORT[$name]}" "$name"
  # the engine the node reports must be the one asked for (BoringSSL may fail to load: then the JDK's is used)
  grep -q "connections tls ($engine engine)" "$WORK/$name.log" || {
    echo "bench: $name did not start on the $engine engine: $(grep -m1 'connections tls' "$WORK/$name.log")" >&2; exit 1; }
  SERVERS+=("$name")
done

# bench SERVER DEPTH ROUND: one redis-benchmark run per command over TLS, appended to $RESULTS (ROUND "warmup"
# is discarded).
bench() {
  local server=$1 depth=$2 round=$3 t out
  for t in ${TESTS//,/ }; do
    if ! out=$(taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "${TLS_PORT[$server]}" --tls \
               --cacert "$CERTS/ca.crt" --cert "$CERTS/client.crt" --key "$CERTS/client.key" \
               -t "$t" -c "$CLIENTS" -r 1000000 -n "$N" -P "$depth" --csv 2>&1); then
      echo "bench: $server failed '$t' at -P $depth: $(echo "$out" | tail -1)" >&2
      continue
    fi
    [[ "$round" == warmup ]] && continue
    echo "$out" | benchmark_rows "$server" "$depth" "$round" >> "$RESULTS"
  done
}

echo "bench: ${SERVERS[*]} over TLS; N=$N, rounds=$ROUNDS" >&2
for server in "${SERVERS[@]:1}"; do
  echo "bench: warming up $server's JIT" >&2
  for depth in "${DEPTHS[@]}" "${DEPTHS[@]}"; do bench "$server" "$depth" warmup; done
done
for round in $(seq 1 "$ROUNDS"); do
  for depth in "${DEPTHS[@]}"; do
    order=("${SERVERS[@]}")
    (( round % 2 )) || order=($(printf '%s\n' "${SERVERS[@]}" | tac))
    for server in "${order[@]}"; do
      echo "bench: round $round, -P $depth, $server" >&2
      bench "$server" "$depth" "$round"
    done
  done
done

echo
echo "| command | -P | server | ops/s | ops/s vs Redis | p50 ms | p99 ms | p99 vs Redis |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
for depth in "${DEPTHS[@]}"; do
  for t in ${TESTS//,/ }; do
    t=${t^^}
    rr=$(benchmark_median redis "$depth" "$t" 5); r99=$(benchmark_median redis "$depth" "$t" 7)
    for server in "${SERVERS[@]}"; do
      awk -v t="$t" -v d="$depth" -v s="$server" -v rps="$(benchmark_median "$server" "$depth" "$t" 5)" \
          -v p50="$(benchmark_median "$server" "$depth" "$t" 6)" -v p99="$(benchmark_median "$server" "$depth" "$t" 7)" -v rr="$rr" -v r99="$r99" '
        function num(v, fmt) { return v == "" ? "n/a" : sprintf(fmt, v) }
        function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2f", a / b) }
        BEGIN { printf "| %s | %d | %s | %s | %s | %s | %s | %s |\n", t, d, s, num(rps, "%.0f"), ratio(rps, rr),
                  num(p50, "%.3f"), num(p99, "%.3f"), ratio(p99, r99) }'
    done
  done
done
echo
echo "redis-benchmark --tls (client certificate, $(openssl version 2>/dev/null | awk '{print $1, $2}')), $(redis-server --version | awk '{print $3}')," \
  "N=$N, -c $CLIENTS, -r 1000000, $ROUNDS rounds (medians), servers on CPU $SERVER_CPU, redis-benchmark on CPU $CLIENT_CPU"
