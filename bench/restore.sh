#!/usr/bin/env bash
# Restore against backup, per store: a full backup through the real route, then a restore of that backup
# (RestoreService, as `dr restore` runs it) into other databases of the same server, in the same run, and the
# ratio of the two. Optionally the same restore with the code of another commit, side by side. See
# bench/README.md.
#
#   bench/restore.sh [--smoke] [--stores mongodb,redis,influxdb] [--rounds N] [--documents N] [--collections N]
#                    [--keys N] [--points N] [--baseline REV] [--mongo-backend h2|memory] [--work-dir DIR]
#                    [--heap SIZE]
#
# Each round, per store, each in a fresh JVM: backup (full, verify quick), restore (into emptied targets:
# MongoDB bench -> bench_restored, Redis database 0 -> 1, InfluxDB bench -> bench_restored) and restore-merge
# (the same again over what the restore left: upserts by _id, RESTORE REPLACE, points replacing themselves);
# with --baseline, the two restores again with the main classes of that commit (compiled once under the work
# directory), alternating which goes first. Servers: mongo-java-server on an H2 file (as `dr demo` keeps its
# data; --mongo-backend memory: in memory, where the server's cost per document is far smaller) with the oplog on, redis-server (from the PATH, else the binary bundled with embedded-redis), influxd,
# and s3proxy, started per store and stopped after it. --smoke: 1,000 documents in 4 collections, 5,000 keys,
# 20,000 points, 1 round, in bench/work/smoke.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

stores=mongodb,redis,influxdb
rounds=3
documents=20000
collections=8
keys=200000
points=1000000
baseline=
mongo_backend=h2
work_dir=bench/work
heap=256m
s3_port=$(bench_port 23)
store_port=$(bench_port 24)
smoke=
if bench_smoke_requested "$@"; then
  smoke=1
  rounds=1
  documents=1000
  collections=4
  keys=5000
  points=20000
  work_dir=bench/work/smoke
fi

usage() {
  echo "usage: bench/restore.sh [--smoke] [--stores LIST] [--rounds N] [--documents N] [--collections N] [--keys N]" \
    "[--points N] [--baseline REV] [--mongo-backend h2|memory] [--work-dir DIR] [--heap SIZE]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) shift ;;
    --stores) stores="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --documents) documents="$2"; shift 2 ;;
    --collections) collections="$2"; shift 2 ;;
    --keys) keys="$2"; shift 2 ;;
    --points) points="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --mongo-backend) mongo_backend="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

case "$mongo_backend" in h2 | memory) ;; *) echo "--mongo-backend is h2 or memory, not $mongo_backend" >&2; usage ;; esac

cd "$(dirname "$0")/.."
case ",$stores," in *,redis,*) bench_require redis-cli redis-tools ;; esac
case ",$stores," in *,influxdb,*) bench_require influxd influxdb; bench_require pgrep procps ;; esac
mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)/restore"
mkdir -p "$work_dir/logs"
results="$(bench_results_file restore)"
bench_ports_free "$s3_port" "$store_port"

echo "== build"
bench_build "$work_dir"
modes=(restore restore-merge)
if [ -n "$baseline" ]; then
  # The baseline's main classes beside this tree's test classes: the bench drivers call only the
  # RestoreService API, which the baseline has as well.
  base_rev="$(git rev-parse --short "$baseline")"
  base_dir="$work_dir/baseline-$base_rev"
  if [ ! -d "$base_dir/target/classes" ]; then
    echo "== build the baseline $base_rev"
    rm -rf "$base_dir"
    mkdir -p "$base_dir"
    git archive "$base_rev" | tar -x -C "$base_dir"
    (cd "$base_dir" && ./mvnw -q -B compile)
  fi
  sed "s#-cp $PWD/target/classes:#-cp $base_dir/target/classes:#" "$work_dir/java.args" > "$work_dir/java-baseline.args"
  modes+=(baseline-restore baseline-restore-merge)
fi

server_pid=
store_pid=
stop() {
  bench_stop "$server_pid"
  if [ -n "$store_pid" ] && [ "$store_pid" != "$server_pid" ]; then
    bench_stop "$store_pid"
  fi
  server_pid=
  store_pid=
}
trap stop EXIT

# Starts the servers of store $1 and sets config, dataset, server_pid and store_pid (the data store's process).
start_servers() {
  local store="$1" dir="$work_dir/$1"
  mkdir -p "$dir"
  config="$dir/dr-config.json"
  rm -f "$config" "$dir/dataset.json"
  local options=(--work-dir "$dir" --s3-port "$s3_port")
  case "$store" in
    mongodb) options+=(--mongo-port "$store_port" --mongo-backend "$mongo_backend" --seed-documents "$documents"
                       --seed-collections "$collections") ;;
    redis)
      local redis_bin
      redis_bin="$(bench_redis_server "$work_dir")"
      rm -rf "$dir/redis" && mkdir -p "$dir/redis"
      "$redis_bin" --port "$store_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir/redis" \
        --logfile "$work_dir/logs/redis.log" &
      store_pid=$!
      until redis-cli -p "$store_port" ping > /dev/null 2>&1; do
        kill -0 "$store_pid" 2>/dev/null || { echo "redis-server stopped; see $work_dir/logs/redis.log" >&2; exit 1; }
        sleep 0.2
      done
      options+=(--redis-url "redis://127.0.0.1:$store_port" --redis-keys "$keys") ;;
    influxdb) options+=(--influx-port "$store_port" --influx-points "$points") ;;
    *) echo "unknown store $store (mongodb, redis, influxdb)" >&2; exit 2 ;;
  esac
  java -Xmx3g @"$work_dir/java.args" io.devflow.dr.bench.StoreServers "${options[@]}" \
    > "$work_dir/logs/servers-$store.log" 2>&1 &
  server_pid=$!
  bench_await_file "$config" "$server_pid" "$work_dir/logs/servers-$store.log"
  case "$store" in
    mongodb) store_pid="$server_pid" ;;
    influxdb) store_pid="$(pgrep -P "$server_pid" -x influxd)" ;;
  esac
  dataset="$(tr -d '\n ' < "$dir/dataset.json")"
}

# Source database to target database, as RestoreBench takes them.
mapping() {
  case "$1" in
    mongodb) echo "bench=bench_restored" ;;
    redis) echo "0=1" ;;
    influxdb) echo "bench=bench_restored" ;;
  esac
}

# One RestoreBench run with java arguments $2 (java.args or java-baseline.args); prints its RESULT line with
# the store's and s3proxy's CPU meanwhile (for MongoDB one JVM runs both).
measure() {
  local name="$1" args="$2" log line store0 s30 figures; shift 2
  log="$work_dir/logs/$name.log"
  store0=$(bench_cpu "$store_pid"); s30=$(bench_cpu "$server_pid")
  figures="$(bench_timed "$work_dir/logs/$name.time" "$log" -- \
    java "-Xmx$heap" @"$work_dir/$args" io.devflow.dr.bench.RestoreBench "$@")" || bench_failed "$name" "$log"
  line="$(grep '^RESULT ' "$log")" || bench_failed "$name" "$log"
  echo "$line $(bench_cpu_since "$store0" "$s30") $figures"
}

# One restore of $backup_id in mode $3; appends its RESULT line to $results.
restore_once() {
  local store="$1" round="$2" mode="$3" args=java.args merge=fresh
  case "$mode" in baseline-*) args=java-baseline.args ;; esac
  case "$mode" in *-merge) merge=merge ;; esac
  measure "$store-$mode-$round" "$args" restore "$config" "$backup_id" "$merge" "$(mapping "$store")" \
    | sed "s/ mode=restore[a-z-]* / mode=$mode /" | tee -a "$results"
}

{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD)${baseline:+ against $base_rev} -Xmx$heap" \
    "$(nproc) cores, load $(bench_load)"
  bench_smoke_note | sed 's/^/# /'
} > "$results"
IFS=, read -r -a store_list <<< "$stores"
for store in "${store_list[@]}"; do
  echo "== $store: servers"
  start_servers "$store"
  backend_note=
  [ "$store" != mongodb ] || backend_note=" (mongo-java-server, $mongo_backend backend)"
  echo "# $store data set: $dataset$backend_note" >> "$results"
  echo "== $store: $rounds round(s), -Xmx$heap, $(nproc) cores, data set $dataset"
  bench_smoke_note | sed 's/^/== /'
  for round in $(seq 1 "$rounds"); do
    line="$(measure "$store-backup-$round" java.args backup "$config" "$store")"
    echo "$line" | tee -a "$results"
    backup_id="$(sed -E 's/.* backupId=([^ ]+).*/\1/' <<< "$line")"
    order=("${modes[@]}")
    if [ -n "$baseline" ] && [ $((round % 2)) -eq 0 ]; then
      order=(baseline-restore baseline-restore-merge restore restore-merge)
    fi
    for mode in "${order[@]}"; do
      restore_once "$store" "$round" "$mode"
    done
  done
  stop
done

echo "# load at the end: $(bench_load)" >> "$results"
echo
bench_smoke_note | tee -a "$results"
awk "$BENCH_AWK"'
  function show(x, digits) { return x == "" ? "-" : sprintf("%." digits "f", x) }
  /^RESULT / {
    s = field("store"); m = field("mode")
    if (!(s in seenStore)) { seenStore[s] = 1; storeOrder[++storeCount] = s }
    if (!(m in seenMode)) { seenMode[m] = 1; modeOrder[++modeCount] = m }
    seconds[s, m] = seconds[s, m] " " field("seconds")
    cpu[s, m] = cpu[s, m] " " field("clientCpuSeconds")
    storeCpu[s, m] = storeCpu[s, m] " " field("storeCpuSeconds")
    heap[s, m] = heap[s, m] " " field("peakHeapMiB")
    rss[s, m] = rss[s, m] " " field("processRssMiB")
    items[s] = field("items")
  }
  END {
    print "median over the rounds (memory: the maximum); x backup: the mode median over the backup median\n"
    printf "%-9s %-23s %8s %7s %9s %7s %8s %6s %6s\n", "store", "mode", "items", "seconds", "x backup", "client",
      "store", "heap", "RSS"
    printf "%-9s %-23s %8s %7s %9s %7s %8s %6s %6s\n", "", "", "", "", "", "CPU s", "CPU s", "MiB", "MiB"
    for (i = 1; i <= storeCount; i++) {
      s = storeOrder[i]; b = median(seconds[s, "backup"])
      for (j = 1; j <= modeCount; j++) {
        m = modeOrder[j]
        if (seconds[s, m] == "") continue
        t = median(seconds[s, m])
        printf "%-9s %-23s %8d %7.1f %9s %7s %8s %6s %6s\n", s, m, items[s], t, show(t / b, 2),
          show(median(cpu[s, m]), 1), show(median(storeCpu[s, m]), 1), maximum(heap[s, m]), maximum(rss[s, m])
      }
    }
    print "\nrestore: into emptied targets; restore-merge: the same again over them. store CPU: the data store"
    print "(for MongoDB the server JVM, which also runs s3proxy); client CPU and RSS: the measured JVM;"
    print "heap: its heap pools peaks summed. Target: restore at most 1.5x backup."
  }' "$results" | tee -a "$results"
echo "raw figures and table: $results"
