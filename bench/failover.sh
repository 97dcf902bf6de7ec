#!/usr/bin/env bash
# Region failover under steady writes: N manual failovers (POST /api/failovers) and N automatic ones (the active
# region's MongoDB stopped; dr server's controller detects it and fails over), alternating the direction between
# us-east-1 and us-west-2, with a writer inserting numbered documents into whichever region the routing file names.
# Reports p50/p95 of the detection, each of the six steps and the whole, and the acknowledged writes lost, beside
# the issue's targets and the detection floor of the thresholds. See bench/README.md.
#
#   bench/failover.sh [--smoke] [--runs N] [--modes manual,automatic] [--rate R] [--check-interval S]
#                     [--failed-checks N] [--rpo MIN] [--work-dir DIR] [--heap SIZE]
#
# One JVM (FailoverBench run) holds both regions' servers (mongo-java-server in memory with its oplog, behind a
# TCP relay that stopping a store closes; s3proxy per region), takes a full backup of each region, starts the dr
# server in a JVM of its own (-Xmx256m: DrServices, DrRuntime SERVER) with file routing and automatic failover
# on (no cooldown), starts the writer, and runs the failovers. The manual ones share one deployment and alternate
# the direction, each once the other region holds the writer's newest write; each automatic one has a fresh
# deployment (us-east-1 to us-west-2), since with two regions any later failover is a switchback (see the README).
# Without --check-interval and --failed-checks the automatic runs use dr's defaults (3 failed checks, 10 s apart).
# --smoke: 1 run of each, checks every 1 s, 2 failed checks, in bench/work/smoke; it fails when a run fails or a
# manual failover lost an acknowledged write.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

runs=10
modes=manual,automatic
rate=200
check_interval=
failed_checks=
rpo=240
work_dir=bench/work
heap=256m
east_mongo_port=$(bench_port 30)
west_mongo_port=$(bench_port 31)
east_s3_port=$(bench_port 32)
west_s3_port=$(bench_port 33)
api_port=$(bench_port 34)
smoke=
if bench_smoke_requested "$@"; then
  smoke=1
  runs=1
  check_interval=1
  failed_checks=2
  work_dir=bench/work/smoke
fi

usage() {
  echo "usage: bench/failover.sh [--smoke] [--runs N] [--modes manual,automatic] [--rate R] [--check-interval S] [--failed-checks N] [--rpo MIN]" \
    "[--work-dir DIR] [--heap SIZE]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) shift ;;
    --runs) runs="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --check-interval) check_interval="$2"; shift 2 ;;
    --failed-checks) failed_checks="$2"; shift 2 ;;
    --rpo) rpo="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

manual_runs=0
automatic_runs=0
for mode in ${modes//,/ }; do
  case "$mode" in
    manual) manual_runs=$runs ;;
    automatic) automatic_runs=$runs ;;
    *) echo "unknown mode '$mode' in --modes; modes are manual and automatic" >&2; usage ;;
  esac
done

cd "$(dirname "$0")/.."
mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)/failover"
rm -rf "$work_dir/logs"
mkdir -p "$work_dir/logs"
results="$(bench_results_file failover)"
bench_ports_free "$east_mongo_port" "$west_mongo_port" "$east_s3_port" "$west_s3_port" "$api_port"

echo "== build"
bench_build "$work_dir"

bench_pid=
stop() {
  bench_stop "$bench_pid"
}
trap stop EXIT

thresholds=()
if [ -n "$check_interval" ]; then
  thresholds+=(--check-interval "$check_interval")
fi
if [ -n "$failed_checks" ]; then
  thresholds+=(--failed-checks "$failed_checks")
fi
# the floor of detection: the controller fails over at its failed_checks-th failed check in a row, the first of
# which comes up to one interval after the stores stopped
interval_s=${check_interval:-10}
checks=${failed_checks:-3}

echo "== measure: $manual_runs manual and $automatic_runs automatic failover(s), $rate writes/s, checks every $interval_s s," \
  "$checks failed in a row, $(nproc) cores"
bench_smoke_note | sed 's/^/== /'
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD) dr -Xmx$heap $(nproc) cores, load $(bench_load)," \
    "$rate writes/s, checks every $interval_s s, failedChecks $checks, RPO $rpo min"
  bench_smoke_note | sed 's/^/# /'
} > "$results"
log="$work_dir/logs/bench.log"
java -Xmx1g @"$work_dir/java.args" io.devflow.dr.bench.FailoverBench run --work-dir "$work_dir" \
  --manual "$manual_runs" --automatic "$automatic_runs" --rate "$rate" --rpo "$rpo" --heap "$heap" \
  --east-mongo-port "$east_mongo_port" --west-mongo-port "$west_mongo_port" --east-s3-port "$east_s3_port" \
  --west-s3-port "$west_s3_port" --api-port "$api_port" "${thresholds[@]}" > "$log" 2>&1 &
bench_pid=$!
tail -n +1 -f --pid "$bench_pid" "$log" | grep --line-buffered -E '^(RESULT|stopped|session|writer:)' &
if ! wait "$bench_pid"; then
  bench_pid=
  grep '^RESULT ' "$log" >> "$results" || true
  bench_failed "the failover benchmark" "$log"
fi
bench_pid=
grep -E '^(RESULT|writer:)' "$log" >> "$results"
echo "# load at the end: $(bench_load)" >> "$results"

echo
bench_smoke_note | tee -a "$results"
awk "$BENCH_AWK"'
  # nearest-rank percentile of a list
  function pct(list, p,   n, v, i, j, t, rank) {
    n = split(list, v, " ")
    if (n == 0) return ""
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    rank = int(p / 100 * n); if (rank < p / 100 * n) rank++
    return v[rank < 1 ? 1 : rank]
  }
  function s(ms) { return ms == "" ? "-" : sprintf("%.1f", ms / 1000) }
  function lossOf(m) {
    return m in written ? sprintf("%d of %d (max %d in a run)", lost[m], written[m], maxlost[m]) : "none completed"
  }
  function row(label, key, target, base) {
    printf "%-26s | %6s %6s | %6s %6s | %-20s | %s\n", label, s(pct(v["manual", key], 50)), s(pct(v["manual", key], 95)),
      s(pct(v["automatic", key], 50)), s(pct(v["automatic", key], 95)), target, base
  }
  /^RESULT / {
    m = field("mode"); n[m]++
    if (field("state") != "completed") { notdone[m]++; codes[m] = codes[m] " " field("state") ":" field("code") }
    for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[2] != "-" && kv[1] ~ /Ms$/) v[m, kv[1]] = v[m, kv[1]] " " kv[2] }
    refused[m] += field("refusals")
    if (field("state") == "completed") {
      lost[m] += field("lost"); if (field("lost") + 0 > maxlost[m]) maxlost[m] = field("lost") + 0
      written[m] += field("sourceWrites")
    }
  }
  END {
    printf "%-26s | %-13s | %-13s | %-20s | %s\n", "seconds", "manual (" n["manual"] + 0 ")", "automatic (" n["automatic"] + 0 ")", "target", "baseline"
    printf "%-26s | %6s %6s | %6s %6s | %-20s | %s\n", "", "p50", "p95", "p50", "p95", "", ""
    row("detection", "detectionMs", "", sprintf("floor %d-%d s (%d x %d s)", (checks - 1) * interval, checks * interval, checks, interval))
    row("1 validate-target", "validateTargetMs", "", "")
    row("2 stop-traffic", "stopTrafficMs", "", "")
    row("3 promote", "promoteMs", "", "")
    row("4 update-routing", "updateRoutingMs", "", "")
    row("5 verify", "verifyMs", "", "")
    row("6 notify", "notifyMs", "", "")
    row("steps 1-6 (the record)", "recordMs", "manual p95 < 10 s", "")
    row("death to routing updated", "wholeMs", "automatic p95 < 45 s", sprintf("floor %d s + steps 1-4", checks * interval))
    row("asked/death to done", "askedToDoneMs", "", "")
    row("writer on the new region", "writerRoutedMs", "", "")
    row("longest write gap", "writeGapMs", "", "")
    printf "\nwrites lost (acknowledged by the source, absent from the target, over the completed failovers):"
    printf " manual %s, automatic %s\n", lossOf("manual"), lossOf("automatic")
    for (m in notdone) printf "%s failovers that did not complete: %d (%s); their detection is in the table, nothing else\n", m, notdone[m], substr(codes[m], 2)
    printf "manual failovers refused first (lag not yet known, or not zero for a switchback) and asked again: %d\n", refused["manual"]
    print "\nNearest-rank percentiles over the runs. The row \"death to routing updated\" is, for manual runs, steps 1-6"
    print "again; for automatic ones from the store stopping to the end of step 4. detection: from the store stopping"
    print "to the failover record starting. asked/death to done: from the POST (manual) or the store stopping"
    print "(automatic) to the record finishing. writer on the new region: when the writer first read the new region"
    print "from the routing file. longest write gap: the longest time without an acknowledged write, from the same start."
  }' checks="$checks" interval="$interval_s" "$results" | tee -a "$results"
echo "raw figures and table: $results"
if [ -n "$smoke" ]; then
  lost=$(awk "$BENCH_AWK"' /^RESULT / && field("mode") == "manual" { n += field("lost") } END { print n + 0 }' "$results")
  done_runs=$(grep -c '^RESULT .* state=completed ' "$results" || true)
  if [ "$lost" -ne 0 ] || [ "$done_runs" -ne $((manual_runs + automatic_runs)) ]; then
    echo "smoke run failed: $done_runs of $((manual_runs + automatic_runs)) failovers completed, $lost acknowledged write(s) lost by manual failovers" >&2
    exit 1
  fi
fi
