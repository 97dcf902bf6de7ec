#!/usr/bin/env bash
# Listing a long backup history: N completed MongoDB backups, one an hour back from now (10,000 is 14 months of
# hourly backups), in an s3proxy bucket; then `dr backups list`'s listing in a fresh JVM, first with no month
# index (every manifest read and its seal checked: the baseline, what every listing cost before the index), then
# with the indexes that listing wrote (closed months from one sealed object each), then the same as bin/dr runs a
# command after its first one: classes from jars, mapped from the class-data archive (AppCDS) a first listing
# wrote. See bench/README.md.
#
#   bench/catalog-list.sh [--smoke] [--backups N] [--rounds N] [--work-dir DIR] [--heap SIZE]
#
# Each round: forget the indexes, list (scan), list (indexed), list (archived). --smoke: 1,500 backups (at least
# one closed month), 1 round, in bench/work/smoke.
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

# The archived mode's JVM: AppCDS archives classes from jars only, so the build's class directories are packed
# into jars, and a first listing (not measured) writes the archive, as bin/dr's first command after a build does.
cds_dir="$work_dir/cds"
rm -rf "$cds_dir"
mkdir -p "$cds_dir"
jar_path=
jars=0
IFS=: read -ra entries <<< "$(sed -n 's/^-cp //p' "$work_dir/java.args")"
for entry in "${entries[@]}"; do
  if [ -d "$entry" ]; then
    jars=$((jars + 1))
    jar --create --file "$cds_dir/classes-$jars.jar" -C "$entry" .
    entry="$cds_dir/classes-$jars.jar"
  fi
  jar_path="$jar_path${jar_path:+:}$entry"
done
{ echo "-cp $jar_path"; grep -v '^-cp ' "$work_dir/java.args" || true; } > "$cds_dir/java.args"
cds_quiet="-Xlog:cds=off -Xlog:cds+dynamic=off"

for round in $(seq 1 "$rounds"); do
  java -Xmx1g @"$work_dir/java.args" io.devflow.dr.bench.CatalogBench forget "$config" \
    > "$work_dir/logs/forget-$round.log" 2>&1 || bench_failed forget "$work_dir/logs/forget-$round.log"
  for mode in scan indexed; do
    bench_run_java "list-$mode-$round" CatalogBench list "$config" | sed "s/ mode=list / mode=$mode /" \
      | tee -a "$results"
  done
  if [ ! -f "$cds_dir/list.jsa" ]; then
    # shellcheck disable=SC2086 # cds_quiet is a list of JVM options
    java "-Xmx$heap" -XX:ArchiveClassesAtExit="$cds_dir/list.jsa" $cds_quiet @"$cds_dir/java.args" \
      io.devflow.dr.bench.CatalogBench list "$config" > "$work_dir/logs/archive.log" 2>&1 \
      || bench_failed "the class-data archive's listing" "$work_dir/logs/archive.log"
    [ -s "$cds_dir/list.jsa" ] || bench_failed "the class-data archive's listing" "$work_dir/logs/archive.log"
  fi
  java_args="$cds_dir/java.args" java_options="-XX:SharedArchiveFile=$cds_dir/list.jsa $cds_quiet" \
    bench_run_java "list-archived-$round" CatalogBench list "$config" | sed "s/ mode=list / mode=archived /" \
    | tee -a "$results"
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
    if (n["scan"] != n["indexed"] || c["scan"] != c["indexed"] || c["indexed"] + 0 == 0 \
        || n["archived"] != n["indexed"] || c["archived"] != c["indexed"]) {
      print "the indexed listing does not match the scan" > "/dev/stderr"; exit 1
    }
  }' "$results" | tee -a "$results"
