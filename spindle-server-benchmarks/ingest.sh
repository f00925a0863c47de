#!/usr/bin/env bash
# Ingestion benchmark: Spindle (Sentry envelopes, durable DuckDB) and Zipkin 3.6.1 (v2 JSON,
# in-memory storage) side by side in one run, both on 127.0.0.1 with the same heap, each loaded in
# turn by the closed-loop generator at every concurrency. See BENCHMARKS.md, section Server.
#
#   spindle-server-benchmarks/ingest.sh ZIPKIN_EXEC_JAR [CONNECTIONS...]     (default: 8 16 32)
#
# Environment: HEAP (default 1g, both servers), WARMUP and DURATION seconds per run (10, 20),
# PREWARM seconds of unmeasured load on each server before the first run (default 20: Zipkin's
# in-memory store then holds its 500 000-span cap, its steady state), TARGETS (default
# "zipkin spindle-gzip spindle-identity"; also spindle-zipkin and spindle-otlp: the same spans
# sent to Spindle as gzipped Zipkin v2 JSON or OTLP protobuf), SPINDLE_JAR (default: the module's fat jar),
# SPINDLE_JFR=file.jfr to record a JFR CPU profile of the Spindle server, SPINDLE_JVM_OPTS (more
# options for the Spindle JVM), SPINDLE_LOG=file to keep the Spindle server's output.
# SERVER_CPUS and CLIENT_CPUS (taskset CPU lists; default 1 and 0 on a machine with two or more
# CPUs, empty for no pinning): the server under test runs on its own core and the load generator
# on the other, so the server's CPU per span is its own.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
zipkin_jar="${1:?usage: ingest.sh ZIPKIN_EXEC_JAR [CONNECTIONS...]}"
shift
conns=("${@:-8 16 32}")
[ $# -eq 0 ] && conns=(8 16 32)
heap="${HEAP:-1g}"
warmup="${WARMUP:-10}"
duration="${DURATION:-20}"
prewarm="${PREWARM:-20}"
read -r -a targets <<< "${TARGETS:-zipkin spindle-gzip spindle-identity}"
server_jar="${SPINDLE_JAR:-$root/spindle-server/target/spindle-server-all.jar}"
bench_jar="$(ls "$root"/spindle-server-benchmarks/target/spindle-server-benchmarks-*.jar | grep -v sources | head -1)"
cp="$root/spindle-server/target/spindle-server-all.jar:$bench_jar"
pinned=1
[ "$(nproc)" -ge 2 ] && command -v taskset > /dev/null || pinned=0
server_pin=()
client_pin=()
if [ "$pinned" = 1 ]; then
  [ -n "${SERVER_CPUS-1}" ] && server_pin=(taskset -c "${SERVER_CPUS-1}")
  [ -n "${CLIENT_CPUS-0}" ] && client_pin=(taskset -c "${CLIENT_CPUS-0}")
fi
. "$root/spindle-server-benchmarks/processes.sh"

jfr=()
[ -n "${SPINDLE_JFR:-}" ] && jfr=("-XX:StartFlightRecording=filename=${SPINDLE_JFR},settings=profile")
"${server_pin[@]}" java -Xms"$heap" -Xmx"$heap" ${SPINDLE_JVM_OPTS:-} "${jfr[@]}" -jar "$server_jar" serve --port 0 --data "$work/spindle" \
  > "${SPINDLE_LOG:-$work/spindle.log}" 2>&1 &
spindle_pid=$!
pids+=("$spindle_pid")
zport=$(free_port)
STORAGE_TYPE=mem "${server_pin[@]}" java -Xms"$heap" -Xmx"$heap" -jar "$zipkin_jar" \
  --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].port="$zport" > "$work/zipkin.log" 2>&1 &
zipkin_pid=$!
pids+=("$zipkin_pid")

for _ in $(seq 1 120); do
  [ -f "$work/spindle/bootstrap.json" ] && curl -fs "http://127.0.0.1:$zport/health" > /dev/null && break
  sleep 1
done
dsn=$(sed -n 's/.*"dsn" *: *"\([^"]*\)".*/\1/p' "$work/spindle/bootstrap.json")
token=$(sed -n 's/.*"apiToken" *: *"\([^"]*\)".*/\1/p' "$work/spindle/bootstrap.json")
key=$(echo "$dsn" | sed 's#http://\([^@]*\)@.*#\1#')
sport=$(echo "$dsn" | sed 's#.*:\([0-9]*\)/[0-9]*$#\1#')
echo "nproc $(nproc); $(java -version 2>&1 | head -1); heap $heap each; warm-up ${warmup}s, measured ${duration}s"
echo "Spindle pid $spindle_pid on 127.0.0.1:$sport (data $work/spindle); Zipkin pid $zipkin_pid on 127.0.0.1:$zport"
echo "servers pinned to CPUs: ${server_pin[*]:-none}; load generator: ${client_pin[*]:-none}"
echo "uptime: $(uptime)"

args_for() {
  case "$1" in
    zipkin) args=(--target zipkin --url "http://127.0.0.1:$zport" --server-pid "$zipkin_pid") ;;
    spindle-gzip) args=(--target spindle --encoding gzip --url "http://127.0.0.1:$sport" --key "$key" --token "$token" --server-pid "$spindle_pid") ;;
    spindle-identity) args=(--target spindle --encoding identity --url "http://127.0.0.1:$sport" --key "$key" --token "$token" --server-pid "$spindle_pid") ;;
    spindle-zipkin) args=(--target spindle --protocol zipkin --encoding gzip --url "http://127.0.0.1:$sport" --key "$key" --token "$token" --server-pid "$spindle_pid") ;;
    spindle-otlp) args=(--target spindle --protocol otlp --encoding gzip --url "http://127.0.0.1:$sport" --key "$key" --token "$token" --server-pid "$spindle_pid") ;;
    *) echo "unknown target $1" >&2; exit 2 ;;
  esac
}
if [ "$prewarm" -gt 0 ]; then
  for t in zipkin spindle-identity; do
    args_for "$t"
    "${client_pin[@]}" java -Xmx512m -cp "$cp" dev.spindle.serverbench.Main ingest "${args[@]}" --connections 16 \
      --warmup "$prewarm" --duration 1 > /dev/null
  done
  echo "pre-warmed each server for ${prewarm}s; uptime: $(uptime)"
fi
first=1
for c in "${conns[@]}"; do
  for t in "${targets[@]}"; do
    args_for "$t"
    "${client_pin[@]}" java -Xmx512m -cp "$cp" dev.spindle.serverbench.Main ingest "${args[@]}" --connections "$c" \
      --warmup "$warmup" --duration "$duration" --header "$first"
    first=0
  done
done
echo "uptime: $(uptime)"
echo "GC at the end (jstat -gcutil: S0 S1 E O M CCS YGC YGCT FGC FGCT CGC CGCT GCT):"
echo "  Zipkin:  $(jstat -gcutil "$zipkin_pid" 2>/dev/null | tail -1)"
echo "  Spindle: $(jstat -gcutil "$spindle_pid" 2>/dev/null | tail -1)"
echo "Spindle database after the run: $(du -b "$work/spindle/spindle.duckdb"* | awk '{s+=$1} END {print s}') bytes"
