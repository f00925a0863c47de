#!/usr/bin/env bash
# Runs the same JMH benchmarks of several builds of Spindle alternately (round 1: A, B, ...;
# round 2: A, B, ...), so that the load of a shared machine falls on every build alike. Each
# commit's benchmarks jar is built from `git archive` in a folder of its own (nothing is installed
# into ~/.m2; a jar already in the jar folder is reused). Every build runs with this worktree's
# CpuTimeProfiler on its class path (build spindle-benchmarks first), so `-prof
# dev.spindle.benchmarks.CpuTimeProfiler` works for old commits too. The load average is recorded
# before and after every run; a table of ns/op, CPU ns/op and B/op per benchmark, build and round
# is printed at the end (also in <out>/summary.txt).
#
#   spindle-benchmarks/compare-builds.sh [-n rounds] [-o out] [-j jars] <commit>... -- <JMH args>
#
# The fresh span ids on the unsampled path (issue 14; 832e23e made them, 7135118 is its parent):
#   spindle-benchmarks/compare-builds.sh -n 3 7135118 HEAD -- 'SpindleBenchmark.unsampled' \
#       -f 1 -wi 5 -w 1 -i 5 -r 1 -prof gc -prof dev.spindle.benchmarks.CpuTimeProfiler
set -euo pipefail

rounds=2
out=
jars=
while getopts "n:o:j:" opt; do
  case "$opt" in
    n) rounds=$OPTARG ;;
    o) out=$OPTARG ;;
    j) jars=$OPTARG ;;
    *) echo "usage: $0 [-n rounds] [-o out] [-j jars] <commit>... -- <JMH arguments>" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
commits=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do commits+=("$1"); shift; done
[ $# -gt 0 ] && shift
if [ ${#commits[@]} -eq 0 ] || [ $# -eq 0 ]; then
  echo "usage: $0 [-n rounds] [-o out] [-j jars] <commit>... -- <JMH arguments>" >&2
  exit 2
fi

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
out=${out:-$(mktemp -d "${TMPDIR:-/tmp}/spindle-compare.XXXXXX")}
jars=${jars:-$out}
mkdir -p "$out" "$jars"
touch "$out/load.txt"
echo "output: $out"
profiler="$repo/spindle-benchmarks/target/classes"
mkdir -p "$out/tools/dev/spindle/benchmarks"
cp "$profiler"/dev/spindle/benchmarks/CpuTimeProfiler*.class "$out/tools/dev/spindle/benchmarks/" \
  2>/dev/null || echo "no CpuTimeProfiler in $profiler: build spindle-benchmarks to use it"

shas=()
for c in "${commits[@]}"; do
  sha=$(git -C "$repo" rev-parse --short=7 "$c^{commit}")
  shas+=("$sha")
  if [ ! -f "$jars/$sha.jar" ]; then
    echo "building $c ($sha)"
    rm -rf "$jars/src-$sha" && mkdir -p "$jars/src-$sha"
    git -C "$repo" archive "$sha" | tar -x -C "$jars/src-$sha"
    (cd "$jars/src-$sha" && mvn -B -q -pl spindle-benchmarks -am package -DskipTests)
    cp "$jars/src-$sha/spindle-benchmarks/target/benchmarks.jar" "$jars/$sha.jar"
  fi
done

load() { cut -d' ' -f1-3 /proc/loadavg; }
for ((round = 1; round <= rounds; round++)); do
  for sha in "${shas[@]}"; do
    before="$(date -u +%H:%M:%S) load $(load)"
    echo "round $round, $sha: $before"
    java -cp "$jars/$sha.jar:$out/tools" org.openjdk.jmh.Main "$@" -rf json \
        -rff "$out/$sha-r$round.json" > "$out/$sha-r$round.log"
    after="$(date -u +%H:%M:%S) load $(load)"
    echo "round $round $sha start $before end $after" >> "$out/load.txt"
  done
done

# One line per benchmark, build and round: wall ns/op ± error, CPU ns/op (mean, and the least
# disturbed iteration's: a loaded machine only adds to it), B/op.
metric() { # the mean of a secondary metric ($2 = min: its lowest iteration) to a tenth, or -
  local of=".score"
  [ "${2:-}" = min ] && of=".rawData[0] | min"
  echo "((.secondaryMetrics[\"$1\"] // .secondaryMetrics[\"·$1\"] // {score: null, rawData: [[null]]})
    | $of | if . == null then \"-\" else (. * 10 | round / 10) end)"
}
{
  echo "JMH arguments: $*"
  cat "$out/load.txt"
  for ((round = 1; round <= rounds; round++)); do
    for sha in "${shas[@]}"; do
      jq -r --arg b "$sha" --arg r "$round" ".[] | [
          (.benchmark | sub(\"^dev\\\\.spindle\\\\.benchmarks\\\\.\"; \"\")), \$b, \"r\" + \$r,
          (.primaryMetric.score * 10 | round / 10), \"±\", (.primaryMetric.scoreError * 10 | round / 10),
          \"ns/op, cpu\", $(metric cpu.time.norm), \"(min\", $(metric cpu.time.norm min), \") ns/op,\",
          $(metric gc.alloc.rate.norm), \"B/op\"]
          | map(tostring) | join(\" \")" "$out/$sha-r$round.json"
    done
  done | sort -k1,1 -s
} | tee "$out/summary.txt"
