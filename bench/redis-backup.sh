#!/usr/bin/env bash
# Redis full backup: our DUMP + PTTL over SCAN (the whole pipeline, and the extraction alone) against the
# replication protocol's RDB stream (`redis-cli --rdb`) from the same server with the same keys, in the same
# run. See bench/README.md.
#
#   bench/redis-backup.sh [--smoke] [--keys N] [--rounds N] [--work-dir DIR] [--heap SIZE]
#
# Each round runs, in this order: rdb (redis-cli --rdb to a file, the server's default disk-backed sync),
# rdb-diskless (the same with repl-diskless-sync on), extract (RedisSnapshotSource drained, nothing
# archived) and pipeline-quick (one full backup through the real route to s3proxy, verify quick), the last
# two each in a fresh JVM. The table gives the median over the rounds. redis-server (from the PATH, else the
# binary bundled with embedded-redis) and the server JVM (s3proxy) are started here and stopped on exit; the
# keys are loaded afresh on every run. --smoke: 5,000 keys (every kind of key), 1 round, in bench/work/smoke.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

keys=1000000
rounds=3
work_dir=bench/work
heap=256m
redis_port=$(bench_port 19)
s3_port=$(bench_port 20)
smoke=
if bench_smoke_requested "$@"; then
  smoke=1
  keys=5000
  rounds=1
  work_dir=bench/work/smoke
fi

usage() {
  echo "usage: bench/redis-backup.sh [--smoke] [--keys N] [--rounds N] [--work-dir DIR] [--heap SIZE]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) shift ;;
    --keys) keys="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

cd "$(dirname "$0")/.."
bench_require redis-cli redis-tools
mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)/redis-backup"
rm -rf "$work_dir/redis" "$work_dir/rdb"
mkdir -p "$work_dir/logs" "$work_dir/redis" "$work_dir/rdb"
results="$(bench_results_file redis-backup)"
bench_ports_free "$redis_port" "$s3_port"

echo "== build"
bench_build "$work_dir"

redis_bin="$(bench_redis_server "$work_dir")"

server_pid=
store_pid=
stop() {
  bench_stop "$server_pid" "$store_pid"
}
trap stop EXIT

echo "== servers: $("$redis_bin" --version | cut -d' ' -f1-3), s3proxy"
# No persistence of our own: the only RDB files are the ones the replication sync writes.
"$redis_bin" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work_dir/redis" \
  --dbfilename sync.rdb --logfile "$work_dir/logs/redis.log" &
store_pid=$!
until redis-cli -p "$redis_port" ping > /dev/null 2>&1; do
  kill -0 "$store_pid" 2>/dev/null || { echo "redis-server stopped; see $work_dir/logs/redis.log" >&2; exit 1; }
  sleep 0.2
done
config="$work_dir/dr-config.json"
rm -f "$config" "$work_dir/dataset.json"
java -Xmx2g @"$work_dir/java.args" io.devflow.dr.bench.StoreServers --work-dir "$work_dir" --s3-port "$s3_port" \
  --redis-url "redis://127.0.0.1:$redis_port" --redis-keys "$keys" > "$work_dir/logs/servers.log" 2>&1 &
server_pid=$!
bench_await_file "$config" "$server_pid" "$work_dir/logs/servers.log"
grep -E '^(loading|loaded)' "$work_dir/logs/servers.log"
dataset="$(tr -d '\n ' < "$work_dir/dataset.json")"
loaded_keys="$(redis-cli -p "$redis_port" dbsize)"

redis_info() {
  redis-cli -p "$redis_port" info "$1" | tr -d '\r' | awk -F: -v name="$2" '$1 == name { print $2 }'
}

# RESULT field: the seconds Redis's main thread spent executing the commands of a run (INFO commandstats,
# reset before it), leaving out the INFO and CONFIG calls of this script.
command_seconds() {
  redis-cli -p "$redis_port" info commandstats | tr -d '\r' | awk -F'[:,=]' '
    /^cmdstat_/ && $1 !~ /^cmdstat_(info|config)$/ { for (i = 2; i < NF; i++) if ($i == "usec") usec += $(i + 1) }
    END { printf "redisCommandSeconds=%.2f", usec / 1e6 }'
}

# One StoreBench run; appends its RESULT line, with Redis's command time, to $results.
measure_java() {
  local name="$1" line; shift
  redis-cli -p "$redis_port" config resetstat > /dev/null
  line="$(bench_run_java "$name" StoreBench "$@")"
  echo "$line $(command_seconds)" | tee -a "$results"
}

# redis-cli --rdb into a file under the work directory, timed; a RESULT line like StoreBench's, with the
# fork's cost from INFO.
measure_rdb() {
  local mode="$1" round="$2"
  local file="$work_dir/rdb/$mode.rdb" log="$work_dir/logs/$mode-$round.log" store0 s30 started ended figures
  rm -f "$file"
  redis-cli -p "$redis_port" config resetstat > /dev/null
  store0=$(bench_cpu "$store_pid"); s30=$(bench_cpu "$server_pid")
  started=$(date +%s.%N)
  figures="$(bench_timed "$work_dir/logs/$mode-$round.time" "$log" -- \
    redis-cli -h 127.0.0.1 -p "$redis_port" --rdb "$file")" || bench_failed "$mode" "$log"
  ended=$(date +%s.%N)
  grep -q 'Transfer finished with success' "$log" || bench_failed "$mode" "$log"
  awk -v mode="$mode" -v keys="$loaded_keys" -v s="$started" -v e="$ended" -v bytes="$(stat -c %s "$file")" \
    -v fork="$(redis_info stats latest_fork_usec)" -v cow="$(redis_info persistence rdb_last_cow_size)" \
    -v rest="$(bench_cpu_since "$store0" "$s30") $figures $(command_seconds)" 'BEGIN {
      printf "RESULT mode=%s items=%d uncompressedMB=%.1f storedMB=0 seconds=%.2f itemsPerSec=%.0f mbPerSec=%.1f forkMs=%.1f cowMiB=%.1f %s\n",
        mode, keys, bytes / 1e6, e - s, keys / (e - s), bytes / 1e6 / (e - s), fork / 1e3, cow / 1048576, rest }' \
    | tee -a "$results"
}

echo "== measure: $rounds round(s), $loaded_keys keys, -Xmx$heap, $(nproc) cores"
bench_smoke_note | sed 's/^/== /'
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD) -Xmx$heap $(nproc) cores, load $(bench_load)," \
    "$("$redis_bin" --version | cut -d' ' -f3)"
  echo "# data set: $dataset"
  bench_smoke_note | sed 's/^/# /'
} > "$results"
for round in $(seq 1 "$rounds"); do
  redis-cli -p "$redis_port" config set repl-diskless-sync no > /dev/null
  measure_rdb rdb "$round"
  redis-cli -p "$redis_port" config set repl-diskless-sync yes > /dev/null
  redis-cli -p "$redis_port" config set repl-diskless-sync-delay 0 > /dev/null
  measure_rdb rdb-diskless "$round"
  measure_java "extract-$round" extract "$config" redis
  measure_java "pipeline-$round" pipeline "$config" redis
done

echo "# load at the end: $(bench_load)" >> "$results"
echo
bench_smoke_note | tee -a "$results"
awk "$BENCH_AWK"'
  function show(x, digits) { return x == "" ? "-" : sprintf("%." digits "f", x) }
  /^RESULT / {
    m = field("mode")
    if (!(m in seen)) { seen[m] = 1; order[++modes] = m }
    for (k = split("seconds itemsPerSec uncompressedMB storedMB storeCpuSeconds redisCommandSeconds s3CpuSeconds clientCpuSeconds forkMs cowMiB", keys, " "); k > 0; k--)
      values[m, keys[k]] = values[m, keys[k]] " " field(keys[k])
    heapMax[m] = heapMax[m] " " field("peakHeapMiB")
    rssMax[m] = rssMax[m] " " field("processRssMiB")
    items = field("items")
  }
  END {
    rdb = median(values["rdb", "seconds"])
    printf "%d keys; median over the rounds (memory: the maximum)\n\n", items
    printf "%-15s %8s %7s %6s %7s %7s %6s %6s %6s %7s %6s %6s\n", "", "keys/s", "seconds", "x rdb", "MB", "stored",
      "redis", "redis", "s3", "client", "heap", "RSS"
    printf "%-15s %8s %7s %6s %7s %7s %6s %6s %6s %7s %6s %6s\n", "mode", "", "", "", "", "MB", "CPU s", "cmd s",
      "CPU s", "CPU s", "MiB", "MiB"
    for (i = 1; i <= modes; i++) {
      m = order[i]
      s = median(values[m, "seconds"])
      printf "%-15s %8.0f %7s %6s %7s %7s %6s %6s %6s %7s %6s %6s\n", m, median(values[m, "itemsPerSec"]), show(s, 1),
        show(s / rdb, 2), show(median(values[m, "uncompressedMB"]), 0), m ~ /^pipeline/ ? show(median(values[m, "storedMB"]), 0) : "-",
        show(median(values[m, "storeCpuSeconds"]), 1), show(median(values[m, "redisCommandSeconds"]), 1),
        show(median(values[m, "s3CpuSeconds"]), 1),
        show(median(values[m, "clientCpuSeconds"]), 1), m ~ /^rdb/ ? "-" : maximum(heapMax[m]), maximum(rssMax[m])
    }
    for (i = 1; i <= modes; i++) {
      m = order[i]
      if (m ~ /^rdb/) printf "%s: fork %.1f ms, copy-on-write %.1f MiB (medians)\n", m,
        median(values[m, "forkMs"]), median(values[m, "cowMiB"])
    }
    print "\nMB: the RDB file, or the uncompressed archive items (key, expiry, DUMP payload) for ours. redis CPU:"
    print "the server and its forked saving child; redis cmd: time its main thread spent in commands (for rdb the"
    print "SYNC itself, i.e. the fork); s3 CPU: the server JVM (s3proxy); client CPU and RSS: redis-cli or the"
    print "measured JVM; heap: the heap pools peaks summed."
  }' "$results" | tee -a "$results"
echo "raw figures and table: $results"
