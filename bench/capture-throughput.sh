#!/usr/bin/env bash
# MongoDB change capture under a steady write load: the capture worker's segment (an incremental backup with
# a deadline, through the whole pipeline) side by side with a plain change-stream reader, at write rates
# raised step by step until the capture no longer keeps up. See bench/README.md.
#
#   bench/capture-throughput.sh [--smoke] [--rates R,R,...] [--seconds N] [--rounds N] [--documents N] [--lead N]
#                               [--work-dir DIR] [--heap SIZE]
#
# A window is: fresh servers (mongo-java-server in memory with --documents seeded before the oplog is turned
# on, and s3proxy), then a reader and the writer (ChangeWriter, --seconds at the step's rate) started
# together, both waiting until the same instant --lead seconds ahead. The reader is `capture` (a full backup
# during the lead, then the incremental until the writer's end) or `baseline` (a plain change stream). Per
# rate, each round runs a capture window then a baseline window. The ladder stops after the first rate the
# capture did not keep up with (its last event more than 1 s after the writer's last write, or events
# missing), or that the writer could not reach (under 90 %: the server is saturated, higher rates would only
# measure it). The table gives medians over the rounds.
# --smoke: 100 ops/s for 2 s, 1 round, 100 documents, in bench/work/smoke; leads of 15 s for the capture window
# (its set-up, a JVM with the routes and a full backup, took 9 s here) and 6 s for the baseline's, doubled for
# a window whose set-up ended after the start (a busy machine) and run again, at most twice.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rates=250,500,750,1000,1500,2000
seconds=30
rounds=3
documents=1000
lead=20
work_dir=bench/work
heap=256m
mongo_port=$(bench_port 23)
s3_port=$(bench_port 24)
# the baseline reader is up in a few seconds; only the smoke run, where the lead is most of the time, cuts it
baseline_lead=
late=
smoke=
if bench_smoke_requested "$@"; then
  smoke=1
  rates=100
  seconds=2
  rounds=1
  documents=100
  lead=15
  baseline_lead=6
  work_dir=bench/work/smoke
fi

usage() {
  echo "usage: bench/capture-throughput.sh [--smoke] [--rates R,R,...] [--seconds N] [--rounds N] [--documents N] [--lead N]" \
    "[--work-dir DIR] [--heap SIZE]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) shift ;;
    --rates) rates="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --documents) documents="$2"; shift 2 ;;
    --lead) lead="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

cd "$(dirname "$0")/.."
mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)/capture-throughput"
mkdir -p "$work_dir/logs"
results="$(bench_results_file capture-throughput)"
config="$work_dir/dr-config.json"
bench_ports_free "$mongo_port" "$s3_port"

echo "== build"
bench_build "$work_dir"

server_pid=
reader_pid=
writer_pid=
stop() {
  bench_stop "$writer_pid" "$reader_pid" "$server_pid"
}
trap stop EXIT

# The fields of the RESULT line in log $1, without its "RESULT mode=..." head.
fields_of() {
  grep '^RESULT ' "$1" | cut -d' ' -f3-
}

# One window: fresh servers, reader and writer from the same start; appends one RESULT line to $results, or
# sets late (see bench_window).
window_once() {
  local mode="$1" rate="$2" round="$3"
  local name="$mode-$rate-$round" start_ms server0 server1
  rm -f "$config"
  java -Xmx4g @"$work_dir/java.args" io.devflow.dr.bench.StoreServers --work-dir "$work_dir" --s3-port "$s3_port" \
    --mongo-port "$mongo_port" --seed-documents "$documents" > "$work_dir/logs/servers-$name.log" 2>&1 &
  server_pid=$!
  bench_await_file "$config" "$server_pid" "$work_dir/logs/servers-$name.log"

  local window_lead="$lead"
  if [ "$mode" = baseline ] && [ -n "$baseline_lead" ]; then
    window_lead="$baseline_lead"
  fi
  start_ms=$(( $(date +%s%3N) + window_lead * 1000 ))
  java "-Xmx$heap" @"$work_dir/java.args" io.devflow.dr.bench.CaptureBench "$mode" "$config" "$start_ms" "$seconds" \
    > "$work_dir/logs/$name.log" 2>&1 &
  reader_pid=$!
  java -Xmx512m @"$work_dir/java.args" io.devflow.dr.bench.ChangeWriter "$config" "$rate" "$start_ms" "$seconds" \
    > "$work_dir/logs/writer-$name.log" 2>&1 &
  writer_pid=$!
  sleep "$(awk -v t="$start_ms" -v now="$(date +%s%3N)" 'BEGIN { d = (t - now) / 1000; print (d > 0 ? d : 0) }')"
  server0=$(bench_cpu "$server_pid")
  wait "$writer_pid" || bench_failed "writer of $name" "$work_dir/logs/writer-$name.log"
  writer_pid=
  if ! wait "$reader_pid"; then
    bench_smoke_late "$work_dir/logs/$name.log" || bench_failed "$name" "$work_dir/logs/$name.log"
    late=1
  fi
  reader_pid=
  server1=$(bench_cpu "$server_pid")
  bench_stop "$server_pid"
  server_pid=
  if [ -n "$late" ]; then
    return
  fi
  echo "RESULT mode=$mode rate=$rate round=$round startMs=$start_ms $(fields_of "$work_dir/logs/$name.log")" \
    "$(fields_of "$work_dir/logs/writer-$name.log" | sed -E 's/(^| )([a-z])([a-zA-Z]*)=/\1writer\u\2\3=/g')" \
    "serverCpuSeconds=$(awk -v a="$server0" -v b="$server1" 'BEGIN { printf "%.1f", b - a }')" | tee -a "$results"
}

# Per window: events/s, lag (s), backlog at the deadline, CPU ms per 1,000 events, and whether it kept up.
FIGURES='
  function figures() {
    events = field("events"); ops = field("writerOps")
    rate_ = events / ((field("lastEventMs") - field("startMs")) / 1000)
    lag = (field("lastEventMs") - field("writerLastWriteMs")) / 1000
    backlog = ops - field("eventsAtDeadline")
    cpu = events > 0 ? field("cpuSeconds") * 1e6 / events : 0
    kept = lag <= 1 && events == ops
  }
'

echo "== measure: rates $rates ops/s, $seconds s windows, $rounds round(s), $documents documents, $(nproc) cores"
bench_smoke_note | sed 's/^/== /'
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD) -Xmx$heap $(nproc) cores, load $(bench_load)," \
    "$documents documents, $seconds s windows"
  bench_smoke_note | sed 's/^/# /'
} > "$results"
for rate in ${rates//,/ }; do
  for round in $(seq 1 "$rounds"); do
    bench_window capture "$rate" "$round"
    bench_window baseline "$rate" "$round"
  done
  verdict=$(awk "$BENCH_AWK$FIGURES"' /^RESULT / && field("rate") == r { figures()
      if (field("mode") == "capture") { lags = lags " " lag; all = all && kept }
      reached = reached " " field("writerAchievedRate") / r }
    BEGIN { all = 1 }
    END { print (!(all && median(lags) <= 1) ? "the capture did not keep up with" : median(reached) < 0.9 ? "the writer could not reach" : "") }' \
    r="$rate" "$results")
  if [ -n "$verdict" ]; then
    echo "== $verdict $rate ops/s; stopping the ladder"
    break
  fi
done

echo "# load at the end: $(bench_load)" >> "$results"
echo
bench_smoke_note | tee -a "$results"
awk "$BENCH_AWK$FIGURES"'
  function show(x, digits) { return x == "" ? "-" : sprintf("%." digits "f", x) }
  /^RESULT / {
    m = field("mode"); r = field("rate")
    if (!(r in seen)) { seen[r] = 1; order[++rates] = r }
    figures()
    written[m, r] = written[m, r] " " field("writerAchievedRate")
    eps[m, r] = eps[m, r] " " rate_; lags[m, r] = lags[m, r] " " lag; backlogs[m, r] = backlogs[m, r] " " backlog
    cpus[m, r] = cpus[m, r] " " cpu; server[m, r] = server[m, r] " " field("serverCpuSeconds")
    if (!kept) missed[m, r] = 1
    heap[m] = heap[m] " " field("peakHeapMiB"); rss[m] = rss[m] " " field("maxRssMiB")
  }
  END {
    printf "%6s | %-46s | %-46s\n", "", "capture (incremental backup, whole pipeline)", "baseline (plain change stream)"
    printf "%6s", "rate"
    printf " | %7s %8s %6s %7s %6s %6s | %7s %8s %6s %7s %6s %6s\n", "written", "events/s", "lag s", "backlog",
      "CPU ms", "server", "written", "events/s", "lag s", "backlog", "CPU ms", "server"
    printf "%6s | %7s %8s %6s %7s %6s %6s | %7s %8s %6s %7s %6s %6s\n", "ops/s", "ops/s", "", "", "events",
      "/1k ev", "CPU s", "ops/s", "", "", "events", "/1k ev", "CPU s"
    for (i = 1; i <= rates; i++) {
      r = order[i]
      line = sprintf("%6d", r)
      for (k = 1; k <= 2; k++) {
        m = k == 1 ? "capture" : "baseline"
        if (eps[m, r] == "") { line = line sprintf(" | %7s %8s %6s %7s %6s %6s", "-", "-", "-", "-", "-", "-"); continue }
        line = line sprintf(" | %7.0f %8.0f %6s %7.0f %6s %6s%s", median(written[m, r]), median(eps[m, r]),
          show(median(lags[m, r]), 2), median(backlogs[m, r]), show(median(cpus[m, r]), 0),
          show(median(server[m, r]), 1), (m, r) in missed ? "*" : "")
      }
      print line
      if (!(("capture", r) in missed)) { if (median(written["capture", r]) > best) best = median(written["capture", r]) }
    }
    printf "\nhighest write rate the capture kept up with: %s ops/s\n", best == "" ? "none" : sprintf("%.0f", best)
    printf "memory (max): capture heap peak %s MiB, RSS %s MiB; baseline heap peak %s MiB, RSS %s MiB\n",
      maximum(heap["capture"]), maximum(rss["capture"]), maximum(heap["baseline"]), maximum(rss["baseline"])
    print "\nMedians over the rounds; * a round that did not keep up (last event more than 1 s after the last write,"
    print "or events missing). written: the rate the writer achieved; events/s: events over the time from the start"
    print "to the last event; lag: last event after last write (slightly negative when an event was read before"
    print "the write'"'"'s reply reached the writer); backlog: written but not yet read at the deadline;"
    print "CPU: the reader process from the start to its last event, per 1,000 events; server: mongo-java-server"
    print "and s3proxy during the window."
  }' "$results" | tee -a "$results"
echo "raw figures and table: $results"
