#!/usr/bin/env bash
# Backup throughput and memory: a generated MongoDB collection backed up through the whole pipeline
# (extract -> frame -> zstd -> Tink -> multipart upload -> verify -> manifest) in a JVM capped at -Xmx256m,
# side by side with the same bytes through the archive stages alone (frame -> zstd -> Tink -> upload, read
# from a local dump), so that the extract cost is the difference; and beside the archive stage, two
# yardsticks on the same dump: the CPU floor (zstd on one core piped into openssl's AES) and restic backing
# it up to the same s3proxy. See bench/README.md.
#
#   bench/backup-pipeline.sh [--smoke] [--size-gb N] [--rounds N] [--modes LIST] [--work-dir DIR] [--heap SIZE]
#                            [--server-heap SIZE]
#
# Each round runs the modes in this order: archive, floor-zstd3, floor-zstd1, restic, pipeline-quick,
# pipeline-full (--modes picks some, comma-separated), the JVM ones each in a fresh JVM; the table gives the
# median over the rounds. The servers (mongo-java-server and s3proxy) run in a separate JVM
# started here and stopped on exit; the data set is generated on the first run and reused afterwards.
# --smoke: 1 MB, 1 round, in bench/work/smoke/backup-pipeline: every mode end to end in seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

size_gb=1
rounds=3
work_dir=bench/work
heap=256m
# mongo-java-server holds a whole query result in memory: several times the collection's size
server_heap=8g
all_modes=archive,floor-zstd3,floor-zstd1,restic,pipeline-quick,pipeline-full
modes=$all_modes
mongo_port=$(bench_port 17)
s3_port=$(bench_port 18)
smoke=
if bench_smoke_requested "$@"; then
  smoke=1
  size_gb=0.001
  rounds=1
  work_dir=bench/work/smoke/backup-pipeline
  server_heap=1g
fi

usage() {
  echo "usage: bench/backup-pipeline.sh [--smoke] [--size-gb N] [--rounds N] [--modes LIST] [--work-dir DIR] [--heap SIZE] [--server-heap SIZE]" >&2
  echo "modes: $all_modes" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) shift ;;
    --size-gb) size_gb="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --server-heap) server_heap="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

for mode in ${modes//,/ }; do
  case ",$all_modes," in
    *",$mode,"*) ;;
    *) echo "unknown mode: $mode" >&2; usage ;;
  esac
done
selected() { case ",$modes," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
if selected floor-zstd3 || selected floor-zstd1; then
  bench_require zstd zstd
  bench_require openssl openssl
fi
if selected restic; then
  bench_require restic restic
fi

cd "$(dirname "$0")/.."
mkdir -p "$work_dir/logs"
work_dir="$(cd "$work_dir" && pwd)"
results="$(bench_results_file backup-pipeline)"
bench_ports_free "$mongo_port" "$s3_port"

echo "== build"
bench_build "$work_dir"
java_args="$work_dir/java.args"

echo "== servers"
config="$work_dir/dr-config.json"
rm -f "$config"
java "-Xmx$server_heap" @"$java_args" io.devflow.dr.bench.BenchServers --work-dir "$work_dir" --size-gb "$size_gb" \
  --mongo-port "$mongo_port" --s3-port "$s3_port" > "$work_dir/logs/servers.log" 2>&1 &
server_pid=$!
tail -n +1 -F "$work_dir/logs/servers.log" 2>/dev/null \
  | grep --line-buffered -E '^(generating|  [0-9]|generated|reusing|ready)' &
tail_pid=$!
stop() {
  kill "$tail_pid" 2>/dev/null || true
  if kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop EXIT

until [ -f "$config" ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the servers stopped; see $work_dir/logs/servers.log" >&2
    exit 1
  fi
  sleep 2
done
for port in "$mongo_port" "$s3_port"; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") || { echo "nothing listens on port $port" >&2; exit 1; }
done
kill "$tail_pid" 2>/dev/null || true

# CPU seconds the server JVM has used so far (user + system), to tell its share of a run.
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$server_pid/stat"
}

# Runs one measured JVM; appends its RESULT line, with the process's figures from /usr/bin/time, to $results.
measure() {
  local name="$1"; shift
  local log="$work_dir/logs/$name.log" timing="$work_dir/logs/$name.time"
  local cpu_before cpu_after status=0
  cpu_before=$(server_cpu)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$timing" java "-Xmx$heap" @"$java_args" io.devflow.dr.bench.BackupBench "$@" \
      > "$log" 2>&1 || status=$?
  else
    java "-Xmx$heap" @"$java_args" io.devflow.dr.bench.BackupBench "$@" > "$log" 2>&1 || status=$?
    : > "$timing"
  fi
  cpu_after=$(server_cpu)
  if [ "$status" -ne 0 ] || ! grep -q '^RESULT ' "$log"; then
    echo "$name failed (exit $status); see $log" >&2
    grep -m1 -B2 -A12 'OutOfMemoryError' "$log" >&2 || tail -n 30 "$log" >&2
    exit 1
  fi
  local line
  line="$(grep '^RESULT ' "$log") serverCpuSeconds=$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { printf "%.1f", b - a }')"
  if [ -s "$timing" ]; then
    line="$line $(awk -F': ' '
      /Maximum resident set size/ { rss = $2 / 1024 }
      /User time/ { cpu += $2 } /System time/ { cpu += $2 }
      END { printf "processRssMiB=%.0f clientCpuSeconds=%.1f", rss, cpu }' "$timing")"
  fi
  echo "$line" | tee -a "$results"
}

# One yardstick outside the JVM: runs command "$@" (after its name, mode, and a command that prints the bytes
# it stored, run after it) under /usr/bin/time, and appends its RESULT line, with the dump's size, to $results.
measure_command() {
  local name="$1" mode="$2" stored_bytes="$3"; shift 3
  local log="$work_dir/logs/$name.log" timing="$work_dir/logs/$name.time" cpu_before cpu_after started ended
  local status=0 raw_bytes line
  raw_bytes=$(cat "$dump"/*.bson | wc -c)
  cpu_before=$(server_cpu)
  started=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$timing" "$@" > "$log" 2>&1 || status=$?
  else
    "$@" > "$log" 2>&1 || status=$?
    : > "$timing"
  fi
  ended=$(date +%s.%N)
  cpu_after=$(server_cpu)
  if [ "$status" -ne 0 ]; then
    echo "$name failed (exit $status); see $log" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  line="$(awk -v mode="$mode" -v raw="$raw_bytes" -v stored="$($stored_bytes)" -v a="$started" -v b="$ended" \
    -v c0="$cpu_before" -v c1="$cpu_after" 'BEGIN {
      printf "RESULT mode=%s uncompressedMB=%.1f storedMB=%.1f seconds=%.2f mbPerSec=%.1f serverCpuSeconds=%.1f",
        mode, raw / 1e6, stored / 1e6, b - a, raw / 1e6 / (b - a), c1 - c0 }')"
  if [ -s "$timing" ]; then
    line="$line $(awk -F': ' '
      /Maximum resident set size/ { rss = $2 / 1024 }
      /User time/ { cpu += $2 } /System time/ { cpu += $2 }
      END { printf "processRssMiB=%.0f clientCpuSeconds=%.1f", rss, cpu }' "$timing")"
  fi
  echo "$line" | tee -a "$results"
}

# The CPU floor of the archive stage: the dump's BSON through zstd at level $2 on one thread, then AES-256
# in openssl, the output counted and dropped. The key is derived from a throwaway passphrase in the
# environment, so no key appears on a command line.
measure_floor() {
  local round="$1" level="$2"
  stored="$work_dir/logs/floor-zstd$2-$1.bytes"
  BENCH_FLOOR_PASS="$(openssl rand -hex 16)" measure_command "floor-zstd$level-$round" "floor-zstd$level" floor_stored \
    sh -c 'cat "$1"/*.bson | zstd -q -c -T1 -"$2" | openssl enc -aes-256-ctr -pbkdf2 -iter 1 -pass env:BENCH_FLOOR_PASS \
      | wc -c > "$3"' floor "$dump" "$level" "$stored"
}

# restic backing up the dump directory to a new repository on the same s3proxy, with its cache in the work
# directory; creating the repository is not measured.
floor_stored() {
  cat "$stored"
}

measure_restic() {
  local round="$1"
  cache="$work_dir/restic-cache"
  repo="s3:$(config_value endpoint)/restic-$(date +%s)-$round"
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY RESTIC_PASSWORD
  AWS_ACCESS_KEY_ID="$(config_value accessKeyId)"
  AWS_SECRET_ACCESS_KEY="$(config_value secretAccessKey)"
  RESTIC_PASSWORD="$(openssl rand -hex 16)"
  rm -rf "$cache"
  restic -r "$repo" init --cache-dir "$cache" --quiet > "$work_dir/logs/restic-init-$round.log" 2>&1 \
    || { tail -n 20 "$work_dir/logs/restic-init-$round.log" >&2; exit 1; }
  measure_command "restic-$round" restic restic_stored restic -r "$repo" backup --cache-dir "$cache" --quiet "$dump"
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY RESTIC_PASSWORD
}

# The bytes the repository holds (after restic's own compression and encryption).
restic_stored() {
  restic -r "$repo" stats --json --mode raw-data --cache-dir "$cache" 2>/dev/null \
    | sed -n 's/.*"total_size":\([0-9]*\).*/\1/p'
}

# A string value of the storage block in the servers' configuration file.
config_value() {
  tr -d '\n' < "$config" | sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"
}

dump="$work_dir/dump"
if ! cmp -s "$work_dir/dataset.json" "$dump/dataset.json"; then
  echo "== dump (not measured)"
  rm -rf "$dump"
  java "-Xmx$heap" @"$java_args" io.devflow.dr.bench.BackupBench dump "$config" "$dump" \
    > "$work_dir/logs/dump.log" 2>&1 || { tail -n 30 "$work_dir/logs/dump.log" >&2; exit 1; }
  grep '^dumped' "$work_dir/logs/dump.log"
  cp "$work_dir/dataset.json" "$dump/dataset.json"
fi

echo "== measure: $rounds round(s), -Xmx$heap, $(nproc) cores"
bench_smoke_note | sed 's/^/== /'
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD) -Xmx$heap $(nproc) cores"
  echo "# data set: $(tr -d '\n ' < "$work_dir/dataset.json")"
  bench_smoke_note | sed 's/^/# /'
} > "$results"
for round in $(seq 1 "$rounds"); do
  if selected archive; then measure "archive-$round" archive "$config" "$dump"; fi
  if selected floor-zstd3; then measure_floor "$round" 3; fi
  if selected floor-zstd1; then measure_floor "$round" 1; fi
  if selected restic; then measure_restic "$round"; fi
  if selected pipeline-quick; then measure "pipeline-quick-$round" pipeline "$config" quick; fi
  if selected pipeline-full; then measure "pipeline-full-$round" pipeline "$config" full; fi
done

echo
bench_smoke_note | tee -a "$results"
awk '
  function field(name,   i, kv) {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
    return ""
  }
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    if (n == 0) return ""
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  function show(x) { return x == "" ? "-" : sprintf("%.1f", x) }
  function maximum(list,   n, v, i, m) {
    n = split(list, v, " "); m = v[1]
    for (i = 2; i <= n; i++) if (v[i] + 0 > m + 0) m = v[i]
    return m
  }
  /^RESULT / {
    m = field("mode")
    if (!(m in seen)) { seen[m] = 1; order[++modes] = m }
    for (k = split("seconds mbPerSec writeSeconds verifySeconds serverCpuSeconds clientCpuSeconds gcSeconds", keys, " "); k > 0; k--)
      values[m, keys[k]] = values[m, keys[k]] " " field(keys[k])
    heapMax[m] = heapMax[m] " " field("peakHeapMiB")
    afterGcMax[m] = afterGcMax[m] " " field("heapAfterGcMiB")
    rssMax[m] = rssMax[m] " " (field("processRssMiB") != "" ? field("processRssMiB") : field("maxRssMiB"))
    if (field("documents") != "") { docs = field("documents"); raw = field("uncompressedMB"); stored = field("storedMB") }
    storedBy[m] = field("storedMB")
  }
  END {
    if (stored > 0)
      printf "data set: %d documents, %.0f MB of BSON, stored %.0f MB (zstd+Tink, %.2fx)\n\n", docs, raw, stored, raw / stored
    printf "%-15s %6s %7s %7s %7s %7s %7s %7s %7s %7s %6s\n", "", "MB/s", "seconds", "write", "verify",
      "server", "client", "heap", "heap", "RSS", "GC"
    printf "%-15s %6s %7s %7s %7s %7s %7s %7s %7s %7s %6s\n", "mode", "", "", "s", "s",
      "CPU s", "CPU s", "peak", "aft.GC", "MiB", "s"
    for (i = 1; i <= modes; i++) {
      m = order[i]
      printf "%-15s %6s %7s %7s %7s %7s %7s %7s %7s %7s %6s\n", m, show(median(values[m, "mbPerSec"])),
        show(median(values[m, "seconds"])), show(median(values[m, "writeSeconds"])),
        show(median(values[m, "verifySeconds"])), show(median(values[m, "serverCpuSeconds"])),
        show(median(values[m, "clientCpuSeconds"])), maximum(heapMax[m]), maximum(afterGcMax[m]),
        maximum(rssMax[m]), show(median(values[m, "gcSeconds"]))
    }
    archive = median(values["archive", "seconds"])
    for (i = 1; i <= modes; i++) {
      m = order[i]
      if (archive == "" || (m !~ /^floor-/ && m != "restic")) continue
      if (!ratios++) print ""
      printf "archive stage at %.2fx the speed of %-12s (%s s against %s s; it stored %s MB)\n",
        median(values[m, "seconds"]) / archive, m, show(archive), show(median(values[m, "seconds"])), storedBy[m]
    }
    print "\nMedians over the rounds; memory: the maximum over the rounds, in MiB. heap peak: peaks of the heap"
    print "pools summed (an upper bound); heap aft.GC: the most left in use after any collection; RSS: peak"
    print "resident set of the measured JVM. CPU: seconds used during the run by the servers and by the client."
  }' "$results" | tee -a "$results"
echo "raw figures and table: $results"
