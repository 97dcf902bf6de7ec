#!/usr/bin/env bash
# InfluxDB export: a full backup of generated metrics through the whole pipeline, and the export alone
# (InfluxSource drained), side by side with the raw answers of the same queries drained as bytes, so that the
# cost of parsing and formatting is visible. See bench/README.md.
#
#   bench/influx-export.sh [--smoke] [--points N] [--rounds N] [--work-dir DIR] [--heap SIZE]
#
# Each round runs query (the export's SELECTs, chunked JSON read and dropped), extract (InfluxSource
# drained into nothing) and pipeline-quick (one full backup through the real route to s3proxy, verify
# quick), each in a fresh JVM; the table gives the median over the rounds. influxd (from the PATH) and
# s3proxy run in a server JVM started here and stopped on exit; the points are generated on the first run
# and reused while --points stays the same. --smoke: 20,000 points (every measurement and series), 1 round,
# in bench/work/smoke, and influxd's settling sampled over 1 s instead of 10.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

points=10000000
rounds=3
work_dir=bench/work
heap=256m
influx_port=$(bench_port 21)
s3_port=$(bench_port 22)
settle_seconds=10
settle_tries=90
smoke=
if bench_smoke_requested "$@"; then
  smoke=1
  points=20000
  rounds=1
  work_dir=bench/work/smoke
  settle_seconds=1
  settle_tries=30
fi

usage() {
  echo "usage: bench/influx-export.sh [--smoke] [--points N] [--rounds N] [--work-dir DIR] [--heap SIZE]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) shift ;;
    --points) points="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

cd "$(dirname "$0")/.."
bench_require influxd influxdb
bench_require pgrep procps
mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)/influx-export"
mkdir -p "$work_dir/logs"
results="$(bench_results_file influx-export)"
bench_ports_free "$influx_port" "$s3_port"

echo "== build"
bench_build "$work_dir"

server_pid=
store_pid=
tail_pid=
stop() {
  bench_stop "$tail_pid" "$server_pid"
}
trap stop EXIT

echo "== servers: $(influxd version), s3proxy"
config="$work_dir/dr-config.json"
rm -f "$config" "$work_dir/dataset.json"
java -Xmx2g @"$work_dir/java.args" io.devflow.dr.bench.StoreServers --work-dir "$work_dir" --s3-port "$s3_port" \
  --influx-port "$influx_port" --influx-points "$points" > "$work_dir/logs/servers.log" 2>&1 &
server_pid=$!
tail -n +1 -F "$work_dir/logs/servers.log" 2>/dev/null | grep --line-buffered -E '^(generating|  [0-9]|generated|reusing)' &
tail_pid=$!
bench_await_file "$config" "$server_pid" "$work_dir/logs/servers.log"
bench_stop "$tail_pid"
store_pid="$(pgrep -P "$server_pid" -x influxd)"
dataset="$(tr -d '\n ' < "$work_dir/dataset.json")"
loaded_points="$(sed -E 's/.*"points":([0-9]+).*/\1/' <<< "$dataset")"

# influxd compacts what was just written in the background; measuring meanwhile would charge its work to
# whichever run it overlapped. Wait until it used under 2 % of a core over $settle_seconds (10 s; at most 90
# times, 15 minutes).
echo "== waiting for influxd to settle"
for _ in $(seq 1 "$settle_tries"); do
  before=$(bench_cpu "$store_pid")
  sleep "$settle_seconds"
  busy=$(awk -v a="$before" -v b="$(bench_cpu "$store_pid")" -v s="$settle_seconds" 'BEGIN { print (b - a > 0.02 * s) }')
  [ "$busy" -eq 0 ] && break
done

echo "== measure: $rounds round(s), $loaded_points points, -Xmx$heap, $(nproc) cores"
bench_smoke_note | sed 's/^/== /'
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD) -Xmx$heap $(nproc) cores, load $(bench_load)," \
    "$(influxd version)"
  echo "# data set: $dataset"
  bench_smoke_note | sed 's/^/# /'
} > "$results"
for round in $(seq 1 "$rounds"); do
  bench_run_java "query-$round" StoreBench query "$config" "$loaded_points" | tee -a "$results"
  bench_run_java "extract-$round" StoreBench extract "$config" influxdb | tee -a "$results"
  bench_run_java "pipeline-$round" StoreBench pipeline "$config" influxdb | tee -a "$results"
done

echo "# load at the end: $(bench_load)" >> "$results"
echo
bench_smoke_note | tee -a "$results"
awk "$BENCH_AWK"'
  function show(x, digits) { return x == "" ? "-" : sprintf("%." digits "f", x) }
  /^RESULT / {
    m = field("mode")
    if (!(m in seen)) { seen[m] = 1; order[++modes] = m }
    for (k = split("seconds itemsPerSec uncompressedMB storedMB storeCpuSeconds s3CpuSeconds clientCpuSeconds", keys, " "); k > 0; k--)
      values[m, keys[k]] = values[m, keys[k]] " " field(keys[k])
    heapMax[m] = heapMax[m] " " field("peakHeapMiB")
    rssMax[m] = rssMax[m] " " field("processRssMiB")
    if (m != "query") items = field("items")
  }
  END {
    query = median(values["query", "seconds"])
    printf "%d points; median over the rounds (memory: the maximum)\n\n", items
    printf "%-15s %9s %7s %7s %7s %7s %7s %6s %7s %6s %6s\n", "", "points/s", "seconds", "x query", "MB", "stored",
      "influxd", "s3", "client", "heap", "RSS"
    printf "%-15s %9s %7s %7s %7s %7s %7s %6s %7s %6s %6s\n", "mode", "", "", "", "", "MB", "CPU s", "CPU s",
      "CPU s", "MiB", "MiB"
    for (i = 1; i <= modes; i++) {
      m = order[i]
      s = median(values[m, "seconds"])
      printf "%-15s %9.0f %7s %7s %7s %7s %7s %6s %7s %6s %6s\n", m, median(values[m, "itemsPerSec"]), show(s, 1),
        show(s / query, 2), show(median(values[m, "uncompressedMB"]), 0),
        m ~ /^pipeline/ ? show(median(values[m, "storedMB"]), 0) : "-",
        show(median(values[m, "storeCpuSeconds"]), 1), show(median(values[m, "s3CpuSeconds"]), 1),
        show(median(values[m, "clientCpuSeconds"]), 1), maximum(heapMax[m]), maximum(rssMax[m])
    }
    print "\nMB: the JSON answers (query), or the line protocol exported (extract, pipeline). influxd CPU: the"
    print "server; s3 CPU: the server JVM (s3proxy); client CPU and RSS: the measured JVM; heap: the heap pools"
    print "peaks summed."
  }' "$results" | tee -a "$results"
echo "raw figures and table: $results"
