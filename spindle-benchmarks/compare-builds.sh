#!/usr/bin/env bash
# Runs the same JMH benchmarks of several builds of Spindle alternately (round 1: A, B, ...;
# round 2: A, B, ...), so that the load of a shared machine falls on every build alike. Each
# commit's benchmarks jar is built from `git archive` in a folder of its own under the output
# folder (nothing is installed into ~/.m2; a jar already there is reused). The load average is
# recorded before and after every run, and a table of ns/op and B/op per build and round is
# printed at the end (also in <out>/summary.txt).
#
#   spindle-benchmarks/compare-builds.sh [-n rounds] [-o out] <commit>... -- <JMH arguments>
#
# The fresh span ids on the unsampled path (issue 14; 832e23e made them, 7135118 is its parent):
#   spindle-benchmarks/compare-builds.sh -n 3 7135118 HEAD -- 'SpindleBenchmark.unsampled' \
#       -f 1 -wi 5 -w 1 -i 5 -r 1 -prof gc
set -euo pipefail

rounds=2
out=
while getopts "n:o:" opt; do
  case "$opt" in
    n) rounds=$OPTARG ;;
    o) out=$OPTARG ;;
    *) echo "usage: $0 [-n rounds] [-o out] <commit>... -- <JMH arguments>" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
commits=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do commits+=("$1"); shift; done
[ $# -gt 0 ] && shift
if [ ${#commits[@]} -eq 0 ] || [ $# -eq 0 ]; then
  echo "usage: $0 [-n rounds] [-o out] <commit>... -- <JMH arguments>" >&2
  exit 2
fi

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
out=${out:-$(mktemp -d "${TMPDIR:-/tmp}/spindle-compare.XXXXXX")}
mkdir -p "$out"
echo "output: $out"

shas=()
for c in "${commits[@]}"; do
  sha=$(git -C "$repo" rev-parse --short=7 "$c^{commit}")
  shas+=("$sha")
  if [ ! -f "$out/$sha.jar" ]; then
    echo "building $c ($sha)"
    rm -rf "$out/src-$sha" && mkdir -p "$out/src-$sha"
    git -C "$repo" archive "$sha" | tar -x -C "$out/src-$sha"
    (cd "$out/src-$sha" && mvn -B -q -pl spindle-benchmarks -am package -DskipTests)
    cp "$out/src-$sha/spindle-benchmarks/target/benchmarks.jar" "$out/$sha.jar"
  fi
done

load() { cut -d' ' -f1-3 /proc/loadavg; }
for ((round = 1; round <= rounds; round++)); do
  for sha in "${shas[@]}"; do
    before="$(date -u +%H:%M:%S) load $(load)"
    echo "round $round, $sha: $before"
    java -jar "$out/$sha.jar" "$@" -rf json -rff "$out/$sha-r$round.json" > "$out/$sha-r$round.log"
    after="$(date -u +%H:%M:%S) load $(load)"
    echo "round $round $sha start $before end $after" >> "$out/load.txt"
  done
done

# One line per benchmark, build and round: mean ± error (ns/op), B/op.
{
  echo "JMH arguments: $*"
  cat "$out/load.txt"
  for ((round = 1; round <= rounds; round++)); do
    for sha in "${shas[@]}"; do
      jq -r --arg b "$sha" --arg r "$round" '.[] | [$b, "r" + $r,
          (.benchmark | sub(".*\\."; "")),
          (.primaryMetric.score * 100 | round / 100), "±",
          (.primaryMetric.scoreError * 100 | round / 100), .primaryMetric.scoreUnit,
          ((.secondaryMetrics["gc.alloc.rate.norm"] // .secondaryMetrics["·gc.alloc.rate.norm"]
            // {score: null}).score | if . == null then "-" else (. * 10 | round / 10) end), "B/op"]
          | map(tostring) | join(" ")' "$out/$sha-r$round.json"
    done
  done | sort -k3,3 -k2,2 -s
} | tee "$out/summary.txt"
