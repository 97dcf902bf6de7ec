# Helpers of the benchmarks; sourced, not run. They expect the repository root as the current directory (but
# for bench_smoke_requested and bench_port, which the scripts call before changing to it) and set -euo pipefail in
# the caller. The measuring helpers use the caller's variables: work_dir (logs go to $work_dir/logs), results (the
# results file), heap (the measured JVM's -Xmx), store_pid (the data store's process), server_pid (the server
# JVM: s3proxy) and smoke (set by --smoke); bench_run_java also java_args (the JVM's arguments file, default
# $work_dir/java.args) and java_options (more JVM options), when set.

# True when the arguments hold --smoke: the script then starts from its smoke sizes (the smallest run that still
# takes every mode end to end), which other options still override wherever they stand.
bench_smoke_requested() {
  local arg
  for arg in "$@"; do
    if [ "$arg" = --smoke ]; then
      return 0
    fi
  done
  return 1
}

# For the output's and the results file's headers: says that a smoke run's figures mean nothing.
bench_smoke_note() {
  if [ -n "${smoke:-}" ]; then
    echo "smoke run (--smoke): every mode at the smallest size; its figures are not meaningful"
  fi
}

# In a smoke run, true when log $1 holds a process's complaint that its set-up ended after the window's start:
# the machine was too busy for the lead, which says nothing of the benchmark.
bench_smoke_late() {
  [ -n "${smoke:-}" ] && grep -q 'give a longer lead' "$1"
}

# Runs the caller's window_once with the arguments. When that set late (bench_smoke_late said so of one of its
# processes), runs it again with the caller's lead and baseline_lead doubled, at most twice, and keeps them.
bench_window() {
  local try
  for try in 1 2 3; do
    late=
    window_once "$@"
    if [ -z "$late" ]; then
      return
    fi
    if [ "$try" -lt 3 ]; then
      baseline_lead=$((${baseline_lead:-$lead} * 2))
      lead=$((lead * 2))
      echo "== the set-up ended after the start (a busy machine); again with leads of $lead s and $baseline_lead s"
    fi
  done
  echo "window $* : the set-up ended after the start three times; give a longer --lead" >&2
  exit 1
}

# The benchmarks' own environment, for a caller that runs them beside other work (BenchSmokeIT does):
#   BENCH_PORT_BASE  the first of the 100 loopback ports the scripts listen on (default 27500: 27500-27599)
#   BENCH_RESULTS    the directory of the results files (default bench/results)
#   BENCH_BUILT      see bench_build

# The loopback port $1 (0-99) of the benchmarks' block of ports.
bench_port() {
  echo $(( ${BENCH_PORT_BASE:-27500} + $1 ))
}

# Creates the results directory and prints the path of a new results file of benchmark $1.
bench_results_file() {
  local dir="${BENCH_RESULTS:-bench/results}"
  mkdir -p "$dir"
  echo "$dir/$1${smoke:+-smoke}-$(date -u +%Y%m%d-%H%M%S).txt"
}

# Exits with this status when a tool is missing: a caller can tell a machine without it from a failed run.
BENCH_TOOL_MISSING=3

# Fails unless command $1 is on the PATH, naming the Debian package $2 that provides it.
bench_require() {
  if ! command -v "$1" > /dev/null; then
    echo "$(basename "$0") needs $1, which is not on the PATH (Debian: apt-get install $2)" >&2
    exit "$BENCH_TOOL_MISSING"
  fi
}

# Fails when something already listens on one of the ports (an earlier run still going?).
bench_ports_free() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is in use (an earlier run still going?)" >&2
      exit 1
    fi
  done
}

# The load averages over 1, 5 and 15 minutes, for the results: other work on the machine shows there.
bench_load() {
  cut -d' ' -f1-3 /proc/loadavg
}

# Compiles main and test classes, and writes the class path to $1/classpath.txt and the JVM arguments to
# $1/java.args. With BENCH_BUILT set to a directory where this already ran (bench/smoke.sh builds once for all
# the benchmarks, BenchSmokeIT writes the files from its own class path), it takes that directory's files
# instead. In a smoke run the JVMs compile with C1 only and collect serially: their figures mean nothing, and
# starting a dozen JVMs costs most of a smoke run's CPU otherwise.
bench_build() {
  local work_dir="$1"
  bench_require java openjdk-17-jdk-headless
  if [ -n "${BENCH_BUILT:-}" ]; then
    cp "$BENCH_BUILT/classpath.txt" "$BENCH_BUILT/java.args" "$work_dir/"
  else
    ./mvnw -q -B -DskipTests test-compile
    ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile="$work_dir/classpath.txt"
    echo "-cp $PWD/target/classes:$PWD/target/test-classes:$(cat "$work_dir/classpath.txt")" > "$work_dir/java.args"
  fi
  if [ -n "${smoke:-}" ]; then
    echo "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" >> "$work_dir/java.args"
  fi
}

# Prints the redis-server to run: the one on the PATH, else the binary bundled with embedded-redis, unpacked
# into directory $1 (bench_build must have written its classpath.txt there).
bench_redis_server() {
  local dir="$1" arch jar entry
  if command -v redis-server > /dev/null; then
    command -v redis-server
    return
  fi
  case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
    *) echo "no redis-server on the PATH and no bundled one for $(uname -m) (Debian: apt-get install redis-server)" >&2
       exit 1 ;;
  esac
  bench_require unzip unzip
  jar="$(tr ':' '\n' < "$dir/classpath.txt" | grep '/embedded-redis-[^/]*\.jar$')"
  entry="$(unzip -Z1 "$jar" | grep -E "^redis-server-.*-linux-$arch\$" | head -n 1)"
  unzip -p "$jar" "$entry" > "$dir/redis-server"
  chmod +x "$dir/redis-server"
  echo "$dir/redis-server"
}

# CPU seconds (user + system) the processes have used, with their children that have ended (a forked
# BGSAVE, say).
bench_cpu() {
  local hz pid total=0
  hz=$(getconf CLK_TCK)
  for pid in "$@"; do
    total=$(awk -v hz="$hz" -v t="$total" '{ printf "%.2f", t + ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat")
  done
  echo "$total"
}

# Waits until file $1 exists, failing when process $2 ends first (log $3 tells why).
bench_await_file() {
  local file="$1" pid="$2" log="$3"
  until [ -f "$file" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "process $pid stopped; see $log" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 1
  done
}

# Stops a process we started, by its id, and waits for it.
bench_stop() {
  local pid
  for pid in "$@"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
}

# Runs a command under /usr/bin/time -v (when there is one), its output in LOG, and prints
# "processRssMiB=.. clientCpuSeconds=.." from its timing; returns the command's exit status.
# Usage: bench_timed TIMING_FILE LOG -- command...
bench_timed() {
  local timing="$1" log="$2" status=0
  shift 3
  if [ ! -x /usr/bin/time ]; then
    "$@" > "$log" 2>&1 || return $?
    return 0
  fi
  /usr/bin/time -v -o "$timing" "$@" > "$log" 2>&1 || status=$?
  awk -F': ' '
    /Maximum resident set size/ { rss = $2 / 1024 }
    /User time/ { cpu += $2 } /System time/ { cpu += $2 }
    END { printf "processRssMiB=%.0f clientCpuSeconds=%.1f", rss, cpu }' "$timing"
  return "$status"
}

# RESULT fields: the CPU seconds the data store and the server JVM used since they had used $1 and $2.
bench_cpu_since() {
  awk -v r0="$1" -v r1="$(bench_cpu "$store_pid")" -v s0="$2" -v s1="$(bench_cpu "$server_pid")" \
    'BEGIN { printf "storeCpuSeconds=%.1f s3CpuSeconds=%.1f", r1 - r0, s1 - s0 }'
}

bench_failed() {
  echo "$1 failed; see $2" >&2
  tail -n 30 "$2" >&2
  exit 1
}

# One run of a bench main class in a fresh JVM; prints its RESULT line with the servers' CPU meanwhile and
# the JVM's own peak RSS and CPU (fails when there is none). Usage: bench_run_java NAME CLASS ARGS...
bench_run_java() {
  local name="$1" class="$2"; shift 2
  local log="$work_dir/logs/$name.log" store0 s30 figures
  store0=$(bench_cpu "$store_pid"); s30=$(bench_cpu "$server_pid")
  # shellcheck disable=SC2086 # java_options is a list of JVM options, split on spaces
  figures="$(bench_timed "$work_dir/logs/$name.time" "$log" -- \
    java "-Xmx$heap" ${java_options:-} @"${java_args:-$work_dir/java.args}" "io.devflow.dr.bench.$class" "$@")" \
    || bench_failed "$name" "$log"
  grep -q '^RESULT ' "$log" || bench_failed "$name" "$log"
  echo "$(grep '^RESULT ' "$log") $(bench_cpu_since "$store0" "$s30") $figures"
}

# Awk functions for the summary tables: field(name) of a RESULT line, median and maximum of a list.
# shellcheck disable=SC2034
BENCH_AWK='
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
  function maximum(list,   n, v, i, m) {
    n = split(list, v, " "); m = v[1]
    for (i = 2; i <= n; i++) if (v[i] + 0 > m + 0) m = v[i]
    return m
  }
'
