#!/usr/bin/env bash
# Listing a long backup history: N completed MongoDB backups, one an hour back from now (10,000 is 14 months of
# hourly backups), in an s3proxy bucket; then `dr backups list`'s listing in a fresh JVM, first with no month
# index (every manifest read and its seal checked: the baseline, what every listing cost before the index), then
# with the indexes that listing wrote (closed months from one sealed object each). See bench/README.md.
#
#   bench/catalog-list.sh [--smoke] [--backups N] [--rounds N] [--work-dir DIR] [--heap SIZE]
#
# Each round: forget the indexes, list (scan), list (indexed). --smoke: 1,500 backups (at least one closed month),
# 1 round,
# in bench/work/smoke.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

backups=10000
rounds=3
work_dir=bench/work
heap=256m
s3_port=$(bench_port 40)
store_port=$(bench_port 41)
smoke=
if bench_smoke_requested "$@"; then
  smoke=1
  backups=1500
  rounds=1
  work_dir=bench/work/smoke
fi

usage() {
  echo "usage: bench/catalog-list.sh [--smoke] [--backups N] [--rounds N] [--work-dir DIR] [--heap SIZE]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) shift ;;
    --backups) backups="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

cd "$(dirname "$0")/.."
mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)/catalog-list"
mkdir -p "$work_dir/logs"
results="$(bench_results_file catalog-list)"
bench_ports_free "$s3_port" "$store_port"

echo "== build"
bench_build "$work_dir"

server_pid=
store_pid=
trap 'bench_stop "$server_pid"' EXIT

config="$work_dir/dr-config.json"
rm -f "$config"
java -Xmx1g @"$work_dir/java.args" io.devflow.dr.bench.StoreServers --work-dir "$work_dir" --s3-port "$s3_port" \
  --mongo-port "$store_port" --seed-documents 0 > "$work_dir/logs/servers.log" 2>&1 &
server_pid=$!
store_pid=$server_pid
bench_await_file "$config" "$server_pid" "$work_dir/logs/servers.log"

echo "== seed $backups backups"
java -Xmx1g @"$work_dir/java.args" io.devflow.dr.bench.CatalogBench seed "$config" "$backups" \
  > "$work_dir/logs/seed.log" 2>&1 || bench_failed seed "$work_dir/logs/seed.log"

{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD) -Xmx$heap $(nproc) cores, load $(bench_load)"
  bench_smoke_note | sed 's/^/# /'
  echo "# $backups backups"
} | tee "$results"

for round in $(seq 1 "$rounds"); do
  java -Xmx1g @"$work_dir/java.args" io.devflow.dr.bench.CatalogBench forget "$config" \
    > "$work_dir/logs/forget-$round.log" 2>&1 || bench_failed forget "$work_dir/logs/forget-$round.log"
  for mode in scan indexed; do
    bench_run_java "list-$mode-$round" CatalogBench list "$config" | sed "s/ mode=list / mode=$mode /" \
      | tee -a "$results"
  done
done

awk "$BENCH_AWK"'
  /^RESULT / {
    mode = field("mode"); s[mode] = s[mode] " " field("seconds"); n[mode] = field("backups"); c[mode] = field("completed")
    if (mode == "indexed") idx = field("indexes")
  }
  END {
    printf "\n| listing | backups | completed | median s | max s |\n|---|---|---|---|---|\n"
    for (mode in s) printf "| %s | %s | %s | %s | %s |\n", mode, n[mode], c[mode], median(s[mode]), maximum(s[mode])
    printf "\nmonth indexes after a listing: %s\n", idx
    if (n["scan"] != n["indexed"] || c["scan"] != c["indexed"] || c["indexed"] + 0 == 0) {
      print "the indexed listing does not match the scan" > "/dev/stderr"; exit 1
    }
  }' "$results" | tee -a "$results"
