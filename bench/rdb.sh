#!/usr/bin/env bash
# RDB figures (issue 7): BGSAVE time and file size of 1,000,000 mixed keys, start-up load time, and the extra
# memory of a BGSAVE while a SET load runs, for Redis and Larder side by side.
# Usage: bench/rdb.sh REDIS_PORT LARDER_PORT   (both servers running, empty, --save "", DEBUG enabled)
set -euo pipefail
R=$1; L=$2
DATA=$(mktemp /tmp/rdb-bench-XXXX.resp)
python3 "$(dirname "$0")/mixed-dataset.py" 1000000 "$DATA"
for p in $R $L; do redis-cli -p "$p" --pipe < "$DATA" | tail -1; done
echo "digests: $(redis-cli -p "$R" debug digest) $(redis-cli -p "$L" debug digest)"
bgsave() {
    local p=$1 s e
    s=$(date +%s%N)
    redis-cli -p "$p" bgsave > /dev/null
    sleep 0.05
    while redis-cli -p "$p" info persistence | grep -q "rdb_bgsave_in_progress:1"; do sleep 0.01; done
    e=$(date +%s%N)
    echo "port $p BGSAVE $(( (e - s) / 1000000 )) ms"
}
for round in 1 2 3; do bgsave "$R"; bgsave "$L"; done
for p in $R $L; do
    dir=$(redis-cli -p "$p" config get dir | tail -1)
    echo "port $p file $(stat -c %s "$dir/$(redis-cli -p "$p" config get dbfilename | tail -1)") bytes"
done
# extra memory of a BGSAVE during a write load (Redis: fork copy-on-write; Larder: stripes captured ahead)
for p in $R $L; do
    redis-cli -p "$p" bgsave > /dev/null
    redis-benchmark -p "$p" -t set -r 1000000 -n 1000000 -P 16 -q > /dev/null 2>&1
    while redis-cli -p "$p" info persistence | grep -q "rdb_bgsave_in_progress:1"; do sleep 0.05; done
    echo "port $p $(redis-cli -p "$p" info persistence | grep -E 'rdb_last_cow_size' | tr -d '\r')" \
         "$(redis-cli -p "$p" info memory | grep -E '^used_memory:' | tr -d '\r')"
done
echo "start-up load: restart each server on its file and read 'DB loaded from disk' from its log"
rm -f "$DATA"
