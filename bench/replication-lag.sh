#!/usr/bin/env bash
# Replication lag under a steady write load, MongoDB or (--store redis) Redis: dr server's replication
# (us-east-1 to us-west-2) side by side with the floor of the measuring method (the same observer on the source
# itself), at write rates raised step by step. Reports the highest rate at which the replication's p99 lag stays
# under 1 s, the lag at 1,000 writes/s (Redis: 5,000), and the CPU per 1,000 events of the dr JVM and of the
# floor's reader. See bench/README.md.
#
#   bench/replication-lag.sh [--smoke] [--store mongodb|redis] [--rates R,R,...] [--seconds N] [--rounds N]
#                            [--documents N] [--keys N] [--lead N] [--drain N] [--work-dir DIR] [--heap SIZE]
#                            [--property KEY=VALUE]...
#
# Redis: two redis-servers (from the PATH, else embedded-redis's binary) started fresh for every window, the
# source seeded with --keys keys; the writer SETs random ones of them and the observer is a plain
# keyspace-notification reader that GETs every notified key (RedisLagBench).
#
# A window is: fresh servers (two mongo-java-servers in memory, oplog on, --documents seeded in the source
# only, and an s3proxy per region for the control plane's state), then the observer and the writer
# (ChangeWriter with an operation log, --seconds at the step's rate) started together, all waiting until the
# same instant --lead seconds ahead. In a `replication` window the dr JVM (ReplicationLagBench replicate: the
# runtime of dr server, -Xmx256m) starts first and must be through its initial sync and following the change
# streams by then; the observer watches the target. In a `baseline` window there is no dr JVM and the
# observer watches the source. Each operation's lag: when the observer saw it minus when the writer's write
# returned. The observer stops when every operation is visible or --drain seconds after the last write; any
# operation not seen by then is missing. Per rate, each round runs both windows (baseline first in odd rounds,
# replication first in even ones). The ladder stops after a rate the writer could not reach in either window
# (under 90 %, median over the rounds: the source server is saturated), except that 1000 is still run when it is in the ladder: it is the rate the
# report quotes. The table gives medians over the rounds.
# --smoke: 100 ops/s for 2 s, 1 round, 100 documents, in bench/work/smoke; leads of 15 s (the dr JVM was
# streaming 10 s after its launch here) and 6 s, doubled for a window whose set-up ended after the start (a busy
# machine) and run again, at most twice; it fails when an operation is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

store=mongodb
rates=
seconds=20
rounds=1
documents=1000
keys=20000
lead=30
baseline_lead=12
drain=30
work_dir=bench/work
heap=256m
properties=()
source_mongo_port=$(bench_port 25)
target_mongo_port=$(bench_port 26)
source_s3_port=$(bench_port 27)
target_s3_port=$(bench_port 28)
api_port=$(bench_port 29)
source_redis_port=$(bench_port 30)
target_redis_port=$(bench_port 31)
quoted_rate=
late=
smoke=
if bench_smoke_requested "$@"; then
  smoke=1
  rates=100
  seconds=2
  documents=100
  keys=100
  lead=15
  baseline_lead=6
  work_dir=bench/work/smoke
fi

usage() {
  echo "usage: bench/replication-lag.sh [--smoke] [--store mongodb|redis] [--rates R,R,...] [--seconds N] [--rounds N]" \
    "[--documents N] [--keys N] [--lead N] [--drain N] [--work-dir DIR] [--heap SIZE] [--property KEY=VALUE]..." >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) shift ;;
    --store) store="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --documents) documents="$2"; shift 2 ;;
    --keys) keys="$2"; shift 2 ;;
    --lead) lead="$2"; shift 2 ;;
    --drain) drain="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --property) properties+=("$2"); shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

case "$store" in
  mongodb) rates="${rates:-100,250,500,750,1000}"; quoted_rate=1000; seed="$documents documents"
           ports=("$source_mongo_port" "$target_mongo_port") ;;
  redis) rates="${rates:-1000,5000,10000}"; quoted_rate=5000; seed="$keys keys"
         ports=("$source_redis_port" "$target_redis_port")
         bench_require redis-cli redis-tools ;;
  *) echo "unknown store: $store (mongodb or redis)" >&2; usage ;;
esac
if [ -n "$smoke" ]; then
  quoted_rate=100
fi

cd "$(dirname "$0")/.."
mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)/replication-lag-$store"
mkdir -p "$work_dir/logs"
results="$(bench_results_file "replication-lag-$store")"
config="$work_dir/dr-config.json"
done_file="$work_dir/done"
op_log="$work_dir/operations.txt"
bench_ports_free "${ports[@]}" "$source_s3_port" "$target_s3_port" "$api_port"

echo "== build"
bench_build "$work_dir"

server_pid=
dr_pid=
observer_pid=
writer_pid=
redis_pids=()
stop() {
  bench_stop "$writer_pid" "$observer_pid" "$dr_pid" "$server_pid" "${redis_pids[@]}"
}
trap stop EXIT

# The fields of the RESULT line in log $1, without its "RESULT mode=..." head, each name prefixed with $2.
fields_of() {
  grep '^RESULT ' "$1" | cut -d' ' -f3- | { if [ -n "${2:-}" ]; then sed -E "s/(^| )([a-z])([a-zA-Z0-9]*)=/\1$2\u\2\3=/g"; else cat; fi; }
}

# Two fresh redis-servers for window $1, without persistence, each answering PING before this returns.
start_redis() {
  local redis_bin port
  redis_bin="$(bench_redis_server "$work_dir")"
  for port in "$source_redis_port" "$target_redis_port"; do
    rm -rf "$work_dir/redis-$port" && mkdir -p "$work_dir/redis-$port"
    "$redis_bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work_dir/redis-$port" \
      --logfile "$work_dir/logs/redis-$port-$1.log" &
    redis_pids+=($!)
  done
  for port in "$source_redis_port" "$target_redis_port"; do
    until redis-cli -p "$port" ping > /dev/null 2>&1; do sleep 0.1; done
  done
}

# CPU seconds used so far by the servers of a window: the servers' JVM, and the redis-servers.
store_cpu() {
  bench_cpu "$server_pid" "${redis_pids[@]}"
}

# One window: fresh servers, then (replication) the dr JVM, then observer and writer from the same start;
# appends one RESULT line to $results, or sets late (see bench_window).
window_once() {
  local mode="$1" rate="$2" round="$3"
  local name="$mode-$rate-$round" start_ms server0 server1 region dr_fields=""
  rm -f "$config" "$done_file" "$op_log"
  local store_options=(--source-mongo-port "$source_mongo_port" --target-mongo-port "$target_mongo_port"
                       --seed-documents "$documents")
  if [ "$store" = redis ]; then
    start_redis "$name"
    store_options=(--store redis --source-redis-url "redis://127.0.0.1:$source_redis_port"
                   --target-redis-url "redis://127.0.0.1:$target_redis_port" --seed-keys "$keys")
  fi
  java -Xmx4g @"$work_dir/java.args" io.devflow.dr.bench.ReplicationServers --work-dir "$work_dir" \
    "${store_options[@]}" --source-s3-port "$source_s3_port" --target-s3-port "$target_s3_port" \
    --api-port "$api_port" > "$work_dir/logs/servers-$name.log" 2>&1 &
  server_pid=$!
  bench_await_file "$config" "$server_pid" "$work_dir/logs/servers-$name.log"

  if [ "$mode" = replication ]; then
    start_ms=$(( $(date +%s%3N) + lead * 1000 ))
    region=us-west-2
    java "-Xmx$heap" @"$work_dir/java.args" io.devflow.dr.bench.ReplicationLagBench replicate "$config" "$start_ms" \
      "$done_file" "${properties[@]}" > "$work_dir/logs/dr-$name.log" 2>&1 &
    dr_pid=$!
  else
    start_ms=$(( $(date +%s%3N) + baseline_lead * 1000 ))
    region=us-east-1
  fi
  if [ "$store" = redis ]; then
    java "-Xmx$heap" @"$work_dir/java.args" io.devflow.dr.bench.RedisLagBench observe "$config" "$region" \
      "$start_ms" "$seconds" "$op_log" "$drain" > "$work_dir/logs/$name.log" 2>&1 &
    observer_pid=$!
    java -Xmx512m @"$work_dir/java.args" io.devflow.dr.bench.RedisLagBench write "$config" "$rate" "$start_ms" \
      "$seconds" "$op_log" > "$work_dir/logs/writer-$name.log" 2>&1 &
    writer_pid=$!
  else
    java "-Xmx$heap" @"$work_dir/java.args" io.devflow.dr.bench.ReplicationLagBench observe "$config" "$region" \
      "$start_ms" "$seconds" "$op_log" "$drain" > "$work_dir/logs/$name.log" 2>&1 &
    observer_pid=$!
    java -Xmx512m @"$work_dir/java.args" io.devflow.dr.bench.ChangeWriter "$config" "$rate" "$start_ms" "$seconds" \
      "$op_log" > "$work_dir/logs/writer-$name.log" 2>&1 &
    writer_pid=$!
  fi
  sleep "$(awk -v t="$start_ms" -v now="$(date +%s%3N)" 'BEGIN { d = (t - now) / 1000; print (d > 0 ? d : 0) }')"
  server0=$(store_cpu)
  wait "$writer_pid" || bench_failed "writer of $name" "$work_dir/logs/writer-$name.log"
  writer_pid=
  if ! wait "$observer_pid"; then
    bench_smoke_late "$work_dir/logs/$name.log" || bench_failed "observer of $name" "$work_dir/logs/$name.log"
    late=1
  fi
  observer_pid=
  server1=$(store_cpu)
  if [ -n "$dr_pid" ]; then
    touch "$done_file"
    if ! wait "$dr_pid"; then
      bench_smoke_late "$work_dir/logs/dr-$name.log" || bench_failed "dr JVM of $name" "$work_dir/logs/dr-$name.log"
      late=1
    fi
    dr_pid=
  fi
  bench_stop "$server_pid" "${redis_pids[@]}"
  server_pid=
  redis_pids=()
  if [ -n "$late" ]; then
    return
  fi
  if [ "$mode" = replication ]; then
    dr_fields=" $(fields_of "$work_dir/logs/dr-$name.log" dr)"
  fi
  echo "RESULT mode=$mode rate=$rate round=$round startMs=$start_ms $(fields_of "$work_dir/logs/$name.log")" \
    "$(fields_of "$work_dir/logs/writer-$name.log" writer)$dr_fields" \
    "serverCpuSeconds=$(awk -v a="$server0" -v b="$server1" 'BEGIN { printf "%.1f", b - a }')" | tee -a "$results"
}

echo "== measure: $store, rates $rates ops/s, $seconds s windows, $rounds round(s), $seed, $(nproc) cores"
bench_smoke_note | sed 's/^/== /'
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD) -Xmx$heap $(nproc) cores, load $(bench_load)," \
    "$store, $seed, $seconds s windows, drain $drain s, properties: ${properties[*]:-none}"
  bench_smoke_note | sed 's/^/# /'
} > "$results"
saturated=
for rate in ${rates//,/ }; do
  if [ -n "$saturated" ] && [ "$rate" != "$quoted_rate" ]; then
    continue
  fi
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then
      bench_window baseline "$rate" "$round"
      bench_window replication "$rate" "$round"
    else
      bench_window replication "$rate" "$round"
      bench_window baseline "$rate" "$round"
    fi
  done
  reached=$(awk "$BENCH_AWK"' /^RESULT / && field("rate") == r { reached[field("mode")] = reached[field("mode")] " " field("writerAchievedRate") / r }
    END { print (median(reached["baseline"]) < 0.9 || median(reached["replication"]) < 0.9 ? "no" : "yes") }' r="$rate" "$results")
  if [ "$reached" = no ] && [ -z "$saturated" ]; then
    saturated=$rate
    echo "== the writer could not reach $rate ops/s; stopping the ladder (but for $quoted_rate ops/s)"
  fi
done

echo "# load at the end: $(bench_load)" >> "$results"
echo
bench_smoke_note | tee -a "$results"
awk "$BENCH_AWK"'
  function show(x) { return x == "" ? "-" : sprintf("%.0f", x) }
  /^RESULT / {
    m = field("mode"); r = field("rate")
    if (!(r in seen)) { seen[r] = 1; order[++rates] = r }
    written[m, r] = written[m, r] " " field("writerAchievedRate")
    p50[m, r] = p50[m, r] " " field("p50Ms"); p99[m, r] = p99[m, r] " " field("p99Ms")
    mx[m, r] = mx[m, r] " " field("maxMs"); missing[m, r] += field("missing"); coalesced += field("coalesced")
    server[m, r] = server[m, r] " " field("serverCpuSeconds")
    if (m == "baseline" && field("ops") > 0) floor1k[r] = floor1k[r] " " field("cpuSeconds") * 1e6 / field("ops")
    if (m == "replication") {
      dr[r] = dr[r] " " field("drCpuSeconds")
      if (field("ops") > 0) dr1k[r] = dr1k[r] " " field("drCpuSeconds") * 1e6 / field("ops")
      heap = heap " " field("drPeakHeapMiB"); aftergc = aftergc " " field("drHeapAfterGcMiB"); rss = rss " " field("drMaxRssMiB")
    }
  }
  END {
    printf "%6s | %-28s | %-28s | %7s | %6s | %-13s | %-13s\n", "", "baseline: observer on source", "replication: on target",
      "missing", "dr JVM", "server CPU s", "CPU ms per 1k"
    printf "%6s | %7s %6s %6s %6s | %7s %6s %6s %6s | %7s | %6s | %6s %6s | %6s %6s\n", "rate", "written", "p50", "p99", "max",
      "written", "p50", "p99", "max", "b / r", "CPU s", "base", "repl", "floor", "dr JVM"
    printf "%6s | %7s %6s %6s %6s | %7s %6s %6s %6s | %7s | %6s | %6s %6s | %6s %6s\n", "ops/s", "ops/s", "ms", "ms", "ms",
      "ops/s", "ms", "ms", "ms", "", "", "", "", "", ""
    for (i = 1; i <= rates; i++) {
      r = order[i]
      printf "%6d | %7s %6s %6s %6s | %7s %6s %6s %6s | %3d/%-3d | %6s | %6s %6s | %6s %6s\n", r,
        show(median(written["baseline", r])), show(median(p50["baseline", r])), show(median(p99["baseline", r])),
        show(maximum(mx["baseline", r])), show(median(written["replication", r])), show(median(p50["replication", r])),
        show(median(p99["replication", r])), show(maximum(mx["replication", r])),
        missing["baseline", r], missing["replication", r], median(dr[r]) == "" ? "-" : sprintf("%.1f", median(dr[r])),
        median(server["baseline", r]), median(server["replication", r]), show(median(floor1k[r])), show(median(dr1k[r]))
      if (p99["replication", r] != "" && median(p99["replication", r]) < 1000 && missing["replication", r] == 0 \
          && median(written["replication", r]) > best) best = median(written["replication", r])
      if (r == q) { q50 = median(p50["replication", r]); q99 = median(p99["replication", r]); qw = median(written["replication", r]) }
    }
    printf "\nhighest write rate with replication p99 lag under 1 s: %s\n", best == "" ? "none of the rates run" : sprintf("%.0f ops/s (achieved)", best)
    if (qw == "") printf "at %d writes/s: not run\n", q
    else printf "at %d writes/s asked (achieved %.0f ops/s in the replication window): replication lag p50 %.0f ms, p99 %.0f ms\n", q, qw, q50, q99
    printf "operations coalesced (inserted and deleted before replication read them; not in the lags): %d\n", coalesced
    printf "dr JVM (max over the windows): heap peak %s MiB, heap after GC %s MiB, RSS %s MiB\n",
      maximum(heap), maximum(aftergc), maximum(rss)
    print "\nMedians over the rounds (max: the largest over them; missing: summed). written: the rate the writer"
    print "achieved in that window; lag: when the observer saw an operation minus when its write returned, over"
    print "inserts, updates, replacements and deletes (negative: seen before the reply reached the writer);"
    print "baseline: the observer on the source itself (the floor of the method); dr JVM CPU: the replicating"
    print "process from the start until the observer was done (window plus drain); server CPU: both"
    print "stores'"'"' servers and s3proxies, same span. CPU ms per 1k: per 1,000 operations written, the floor'"'"'s"
    print "reader (the baseline'"'"'s observer: a change stream, or a keyspace-notification reader that GETs each"
    print "notified key) and the dr JVM, over the same span as their CPU seconds."
  }' q="$quoted_rate" "$results" | tee -a "$results"
echo "raw figures and table: $results"
if [ -n "$smoke" ]; then
  missing=$(awk "$BENCH_AWK"' /^RESULT / { n += field("missing") } END { print n + 0 }' "$results")
  if [ "$missing" -ne 0 ]; then
    echo "smoke run failed: $missing operation(s) never seen; see $work_dir/logs" >&2
    exit 1
  fi
fi
