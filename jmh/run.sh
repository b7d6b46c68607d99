#!/usr/bin/env bash
# Build the JMH benchmarks and run them. Not part of `mvn verify`: benchmarks run only through this script.
#
#   jmh/run.sh                           # every benchmark (10-12 minutes on a 2-core machine)
#   jmh/run.sh 'LogAppendBenchmark'      # those whose name matches the regex
#   jmh/run.sh 'LogRead' -p store=mmap   # more JMH options after the regex (-p, -prof gc, -prof stack, ...)
#
# Settings (environment): JMH_FORKS (2), JMH_WARMUP (3 iterations of 1 s), JMH_ITERATIONS (5 of 1 s),
# JMH_SKIP_BUILD=1 to reuse jmh/target/benchmarks.jar. Results: jmh/target/jmh-result.{json,txt}.
# Data directories of the mmap store go under jmh/target/tmp and are deleted after each trial.
set -euo pipefail

cd "$(dirname "$0")/.."
regex="${1:-.*}"
if [ "$#" -gt 0 ]; then shift; fi

if [ "${JMH_SKIP_BUILD:-0}" != "1" ]; then
  mvn -B -q -DskipTests -pl jmh -am package
fi

tmp="$PWD/jmh/target/tmp"
mkdir -p "$tmp"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD 2>/dev/null || echo no-git)" \
  "nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2

java -jar jmh/target/benchmarks.jar "$regex" \
  -f "${JMH_FORKS:-2}" \
  -wi "${JMH_WARMUP:-3}" -w 1s \
  -i "${JMH_ITERATIONS:-5}" -r 1s \
  -tu s \
  -jvmArgsAppend "-Djava.io.tmpdir=$tmp" \
  -rf json -rff jmh/target/jmh-result.json \
  "$@" | tee jmh/target/jmh-result.txt

echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ) load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2
