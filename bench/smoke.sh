#!/usr/bin/env bash
# Every benchmark at its smoke size, one after another: each bench/*.sh but lib.sh and this script, with
# --smoke, after one build for all of them (replication-lag twice: MongoDB, then --store redis). Every one runs even when an earlier one failed; the summary gives
# each one's result and time, and the exit status is non-zero when any failed. See bench/README.md.
#
#   bench/smoke.sh [NAME...]      only these benchmarks, such as redis-backup (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
unset BENCH_BUILT

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for script in bench/*.sh; do
    name="$(basename "$script" .sh)"
    case "$name" in
      lib|smoke) ;;
      *) names+=("$name") ;;
    esac
  done
fi
for name in "${names[@]}"; do
  if [ ! -x "bench/$name.sh" ] || [ "$name" = lib ] || [ "$name" = smoke ]; then
    echo "no benchmark bench/$name.sh" >&2
    exit 2
  fi
done

build_dir=bench/work/smoke/build
mkdir -p "$build_dir"
echo "== build, once for all the benchmarks"
bench_build "$build_dir"
export BENCH_BUILT="$PWD/$build_dir"

# The arguments of a benchmark's further smoke runs, one run per line (BenchSmokeIT's VARIANTS).
variants() {
  case "$1" in
    replication-lag) echo "--store redis" ;;
  esac
}

summary=()
failed=0
runs=0
for name in "${names[@]}"; do
  while read -r arguments; do
    echo
    echo "== bench/$name.sh --smoke $arguments"
    started=$(date +%s)
    result=passed
    runs=$((runs + 1))
    # shellcheck disable=SC2086 # the arguments are words
    if ! "bench/$name.sh" --smoke $arguments; then
      result=FAILED
      failed=$((failed + 1))
    fi
    summary+=("$(printf '%-36s %-6s %4d s' "$name $arguments" "$result" $(( $(date +%s) - started )))")
  done < <(echo; variants "$name")
done

echo
echo "== smoke runs (figures not meaningful; each benchmark's own time, the build apart)"
printf '%s\n' "${summary[@]}"
echo "$(( runs - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
