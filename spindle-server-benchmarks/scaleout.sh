#!/usr/bin/env bash
# Scale-out ingestion benchmark (issue 18): the single node (HTTP in, DuckDB) and the ingest role
# (HTTP in, Kafka out) on this machine, loaded in turn by the closed-loop generator, each Spindle
# server pinned as ingest.sh pins it, printing each one's CPU microseconds per acknowledged span;
# with WRITERS > 0 also the writer nodes' (and Kafka's, ClickHouse's) CPU per span, and whether
# ClickHouse ends up holding every acknowledged span. See BENCHMARKS.md, Scale-out.
#
#   spindle-server-benchmarks/scaleout.sh [CONNECTIONS]     (default 16)
#
# Environment: INGEST (ingest nodes, default 1), WRITERS (writer nodes, default 0: Kafka keeps the
# rows, only the ingest role runs), ROUNDS (default 2; each round runs every target once), TARGETS
# (default "single ingest"), ENCODING (gzip or identity, default gzip), HEAP (each Spindle JVM,
# default 1g), WARMUP, DURATION and PREWARM seconds as in ingest.sh (10, 20, 20), KAFKA_LIB (a
# folder holding the Kafka broker's jars; default: copied from Maven Central into the work folder
# by mvn), SERVER_CPUS and CLIENT_CPUS as in ingest.sh (default 1 and 0): the Spindle servers under
# test (single node, ingest nodes) run on SERVER_CPUS, the generator on CLIENT_CPUS; OTHER_CPUS
# (default: CLIENT_CPUS) for Kafka, ClickHouse, the query node and the writers. KEEP=1 leaves the
# work folder (logs) in place.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
conns="${1:-16}"
ingest_nodes="${INGEST:-1}"
writer_nodes="${WRITERS:-0}"
rounds="${ROUNDS:-2}"
read -r -a targets <<< "${TARGETS:-single ingest}"
encoding="${ENCODING:-gzip}"
heap="${HEAP:-1g}"
warmup="${WARMUP:-10}"
duration="${DURATION:-20}"
prewarm="${PREWARM:-20}"
server_jar="$root/spindle-server/target/spindle-server-all.jar"
bench_jar="$(ls "$root"/spindle-server-benchmarks/target/spindle-server-benchmarks-*.jar | grep -v sources | head -1)"
cp="$server_jar:$bench_jar"
server_pin=()
client_pin=()
other_pin=()
if [ "$(nproc)" -ge 2 ] && command -v taskset > /dev/null; then
  [ -n "${SERVER_CPUS-1}" ] && server_pin=(taskset -c "${SERVER_CPUS-1}")
  [ -n "${CLIENT_CPUS-0}" ] && client_pin=(taskset -c "${CLIENT_CPUS-0}")
  other="${OTHER_CPUS-${CLIENT_CPUS-0}}"
  [ -n "$other" ] && other_pin=(taskset -c "$other")
fi
. "$root/spindle-server-benchmarks/processes.sh"
extra_pid_files+=("$work/ch/pid")
wait_health() { # URL NAME
  for _ in $(seq 1 120); do curl -fs "$1/health" > /dev/null && return; sleep 1; done
  echo "$2 did not answer on $1/health; its log:" >&2
  tail -20 "$work/$2.log" >&2
  exit 1
}
json_field() { sed -n 's/.*"'"$2"'" *: *"\([^"]*\)".*/\1/p' "$1"; }

# ClickHouse (a throw-away server on loopback) and a single-node KRaft Kafka broker.
eval "$("${other_pin[@]}" "$root/.ci/clickhouse-start" "$work/ch")"
ch="$SPINDLE_CLICKHOUSE_URL"
ch_pid="$(cat "$work/ch/pid")"
kafka_lib="${KAFKA_LIB:-$work/kafka-lib}"
if [ -z "${KAFKA_LIB:-}" ]; then
  kafka_version=$(sed -n 's#.*<kafka.version>\(.*\)</kafka.version>.*#\1#p' "$root/pom.xml")
  mkdir -p "$work/kafka-pom"
  cat > "$work/kafka-pom/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$kafka_version</version></dependency>
  </dependencies>
</project>
POM
  mvn -B -q -f "$work/kafka-pom/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$kafka_lib"
fi
kport=$(free_port)
kctl=$(free_port)
mkdir -p "$work/kafka"
cat > "$work/kafka/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$kctl
listeners=PLAINTEXT://127.0.0.1:$kport,CONTROLLER://127.0.0.1:$kctl
advertised.listeners=PLAINTEXT://127.0.0.1:$kport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$work/kafka/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=16777216
PROPS
java -cp "$kafka_lib/*" kafka.tools.StorageTool format --standalone -c "$work/kafka/server.properties" \
  -t "$(java -cp "$kafka_lib/*" kafka.tools.StorageTool random-uuid)" > "$work/kafka-format.log" 2>&1
"${other_pin[@]}" java -Xms512m -Xmx512m -cp "$kafka_lib/*" kafka.Kafka "$work/kafka/server.properties" > "$work/kafka.log" 2>&1 &
kafka_pid=$!
pids+=("$kafka_pid")
for _ in $(seq 1 60); do ss -ltn | grep -q "127.0.0.1:$kport " && break; sleep 1; done
kafka="127.0.0.1:$kport"

spindle() { # NAME PIN... -- ARGS...: starts a Spindle server in the background; its pid in $started
  local name=$1; shift
  local pin=()
  while [ "$1" != "--" ]; do pin+=("$1"); shift; done
  shift
  "${pin[@]}" java -Xms"$heap" -Xmx"$heap" -jar "$server_jar" serve "$@" > "$work/$name.log" 2>&1 &
  started=$!
  pids+=("$started")
}
cluster=(--storage clickhouse --clickhouse-url "$ch" --kafka-bootstrap "$kafka")

# The query node first: it creates project 1 and the admin token (bootstrap.json under its --data).
qport=$(free_port)
spindle query "${other_pin[@]}" -- --role query --port "$qport" --data "$work/query" --storage clickhouse --clickhouse-url "$ch"
query_pid=$started
wait_health "http://127.0.0.1:$qport" query
ingest_urls=()
ingest_pids=()
for i in $(seq 1 "$ingest_nodes"); do
  p=$(free_port)
  spindle "ingest$i" "${server_pin[@]}" -- --role ingest --port "$p" --data "$work/ingest$i" "${cluster[@]}"
  ingest_pids+=("$started")
  ingest_urls+=("http://127.0.0.1:$p")
  wait_health "http://127.0.0.1:$p" "ingest$i"
done
writer_pids=()
for i in $(seq 1 "$writer_nodes"); do
  p=$(free_port)
  spindle "writer$i" "${other_pin[@]}" -- --role writer --port "$p" --data "$work/writer$i" "${cluster[@]}"
  writer_pids+=("$started")
  wait_health "http://127.0.0.1:$p" "writer$i"
done
sport=$(free_port)
spindle single "${server_pin[@]}" -- --port "$sport" --data "$work/single"
single_pid=$started
wait_health "http://127.0.0.1:$sport" single

dsn=$(json_field "$work/query/bootstrap.json" dsn)
token=$(json_field "$work/query/bootstrap.json" apiToken)
key=$(echo "$dsn" | sed 's#http://\([^@]*\)@.*#\1#')
single_dsn=$(json_field "$work/single/bootstrap.json" dsn)
single_token=$(json_field "$work/single/bootstrap.json" apiToken)
single_key=$(echo "$single_dsn" | sed 's#http://\([^@]*\)@.*#\1#')
join() { local IFS=,; echo "$*"; }

echo "nproc $(nproc); $(java -version 2>&1 | head -1); heap $heap each Spindle; warm-up ${warmup}s, measured ${duration}s; $conns connections, $encoding"
echo "single node pid $single_pid; ingest nodes ${ingest_pids[*]} (${ingest_urls[*]}); writers ${writer_pids[*]:-none}; query $query_pid"
echo "Kafka pid $kafka_pid ($kafka); ClickHouse pid $ch_pid ($ch)"
echo "pinned: servers under test ${server_pin[*]:-none}; generator ${client_pin[*]:-none}; Kafka, ClickHouse, query, writers ${other_pin[*]:-none}"

also="kafka=$kafka_pid;clickhouse=$ch_pid"
if [ "$writer_nodes" -gt 0 ]; then also="writer=$(join "${writer_pids[@]}");$also"; fi
args_for() {
  case "$1" in
    single) args=(--target spindle --url "http://127.0.0.1:$sport" --key "$single_key" --token "$single_token" --server-pid "$single_pid") ;;
    ingest)
      args=(--target spindle --url "$(join "${ingest_urls[@]}")" --key "$key" --server-pid "$(join "${ingest_pids[@]}")" --also-pids "$also")
      if [ "$writer_nodes" -gt 0 ]; then args+=(--token "$token" --verify-url "http://127.0.0.1:$qport"); fi
      ;;
    *) echo "unknown target $1 (expected: single or ingest)" >&2; exit 2 ;;
  esac
}
acked_ingest=0
run() { # TARGET BENCH-ARGS...
  local t=$1; shift
  args_for "$t"
  echo "[$t, $(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg)]"
  "${client_pin[@]}" java -Xmx512m -cp "$cp" dev.spindle.serverbench.Main ingest "${args[@]}" --encoding "$encoding" \
    --connections "$conns" "$@" | tee "$work/last.out"
  if [ "$t" = ingest ]; then
    acked_ingest=$(( acked_ingest + $(sed -n 's/.*warm-up included): \([0-9]*\) requests.*/\1/p' "$work/last.out") ))
  fi
}
if [ "$prewarm" -gt 0 ]; then
  for t in "${targets[@]}"; do run "$t" --warmup "$prewarm" --duration 1 > /dev/null; done
  echo "pre-warmed each target for ${prewarm}s; load $(cut -d' ' -f1 /proc/loadavg)"
fi
first=1
for r in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do
    run "$t" --warmup "$warmup" --duration "$duration" --header "$first"
    first=0
  done
done
if [ "$writer_nodes" -gt 0 ]; then
  want=$(( acked_ingest * 21 ))
  start=$(date +%s%N)
  stored=0
  for _ in $(seq 1 600); do
    stored=$(curl -fs "$ch/" --data-binary "SELECT count() FROM spindle.spans FINAL")
    [ "$stored" -ge "$want" ] && break
    sleep 0.2
  done
  echo "ClickHouse holds $stored spans of the $want acknowledged by ingest nodes (pre-warm included);" \
    "caught up $(( ($(date +%s%N) - start) / 1000000 )) ms after the last run ended"
fi
echo "load at the end: $(cut -d' ' -f1 /proc/loadavg)"
