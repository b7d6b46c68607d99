#!/usr/bin/env bash
# Build the JMH benchmarks and run them. Not part of `mvn verify`: benchmarks run only through this script.
#
#   jmh/run.sh                           # the storage benchmarks (10-12 minutes on a 2-core machine)
#   jmh/run.sh 'LogAppendBenchmark'      # those whose name matches the regex
#   jmh/run.sh 'LogRead' -p store=mmap   # more JMH options after the regex (-p, -prof gc, -prof stack, ...)
#   jmh/run.sh e2e                       # the end-to-end set, Streamline and Chronicle Queue (about 9 minutes)
#   jmh/run.sh e2e -p producers=1        # the same with more JMH options
#
# Storage benchmarks (default): JMH_FORKS (2), JMH_WARMUP (3 iterations of 1 s), JMH_ITERATIONS (5 of 1 s);
# results in jmh/target/jmh-result.{json,txt}.
# e2e: the iteration counts and times of each class's @Warmup/@Measurement (JMH_WARMUP / JMH_ITERATIONS
# override the counts), JMH_FORKS (2); results in jmh/target/jmh-e2e-result.{json,txt} and the latency
# histograms in jmh/target/e2e-latency-*.{json,txt} (removed at the start); jmh/summarize-e2e.py prints the tables.
# JMH_SKIP_BUILD=1 reuses jmh/target/benchmarks.jar. Data directories (mmap store, Chronicle queues) go under
# jmh/target/tmp and are deleted after each iteration or trial.
set -euo pipefail

cd "$(dirname "$0")/.."
regex="${1:-(LogAppend|LogRead|MemoryCopy)Benchmark}"
if [ "$#" -gt 0 ]; then shift; fi

if [ "${JMH_SKIP_BUILD:-0}" != "1" ]; then
  mvn -B -q -DskipTests -pl jmh -am package
fi

tmp="$PWD/jmh/target/tmp"
mkdir -p "$tmp"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD 2>/dev/null || echo no-git)" \
  "nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2

if [ "$regex" = "e2e" ]; then
  # The Chronicle classes add their own JVM flags with @Fork(jvmArgsPrepend); do not pass -jvmArgsPrepend here.
  rm -f jmh/target/e2e-latency-*.json jmh/target/e2e-latency-*.txt
  iterations=()
  if [ -n "${JMH_WARMUP:-}" ]; then iterations+=(-wi "$JMH_WARMUP"); fi
  if [ -n "${JMH_ITERATIONS:-}" ]; then iterations+=(-i "$JMH_ITERATIONS"); fi
  java -jar jmh/target/benchmarks.jar '(EndToEnd|Chronicle)(Throughput|Latency)Benchmark' \
    -f "${JMH_FORKS:-2}" \
    ${iterations[@]+"${iterations[@]}"} \
    -tu s \
    -jvmArgsAppend "-Djava.io.tmpdir=$tmp -Dstreamline.jmh.out=$PWD/jmh/target" \
    -rf json -rff jmh/target/jmh-e2e-result.json \
    "$@" | tee jmh/target/jmh-e2e-result.txt
else
  java -jar jmh/target/benchmarks.jar "$regex" \
    -f "${JMH_FORKS:-2}" \
    -wi "${JMH_WARMUP:-3}" -w 1s \
    -i "${JMH_ITERATIONS:-5}" -r 1s \
    -tu s \
    -jvmArgsAppend "-Djava.io.tmpdir=$tmp" \
    -rf json -rff jmh/target/jmh-result.json \
    "$@" | tee jmh/target/jmh-result.txt
fi

echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ) load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2
