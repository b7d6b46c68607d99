#!/usr/bin/env bash
# The test kit (@StreamlineTest) against spring-kafka-test's EmbeddedKafka (KRaft, Kafka 3.9.1 as Spring Boot 3.5
# ships it), each in fresh JVMs, runs alternating so both see the same machine load. Not part of `mvn verify`.
#
#   jmh/testkit/run.sh                 # 10 startup runs each, 3 suite runs each, 1,000 resets
#   jmh/testkit/run.sh --quick         # 3 startup runs, 1 suite run, 200 resets
#
# Options: --runs N (startup runs, default 10), --suite-runs N (default 3), --resets N (default 1000),
#          --online (let Maven download what is missing; default offline), --out DIR.
# Environment: JAVA (java), JAVA_OPTS ("-Xmx1g", for every JVM of both sides).
#
# Measures:
#  1. startup: a fresh JVM to "broker ready" and to "first record produced and consumed back through kafka-clients",
#     both from the JVM's start time (StartupProbe / EmbeddedKafkaStartupProbe); the median of the runs.
#  2. suite: the 30-test example suite (streamline-examples/src/test/java/io/streamline/examples/suite), run by the
#     JUnit launcher in a fresh JVM (SuiteRunner): as written, on @StreamlineTest(shared = true), and as copied
#     into jmh/testkit/target/src with the class annotation swapped for @EmbeddedKafkaSuite (one EmbeddedKafka
#     broker for the run; per-test isolation by deleting every topic and group after each test, as EmbeddedKafka
#     users do). run_ms is the launcher's run, including the broker's start; jvm_ms is from the JVM's start.
#  3. reset: ResetProbe, N tests' worth of state reset by StreamlineEngine.reset(): median, p99, max, and the
#     heap after a full GC at tests 100, N/2 and N.
# Results: <out>/results.md (printed at the end), the raw lines in <out>/raw.txt, and every test's and class's time
# of each suite run in <out>/{streamline,embeddedkafka}-suite-timings.txt.
set -euo pipefail

cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/jmh/testkit"
runs=10
suite_runs=3
resets=1000
offline="-o"
out=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) runs=3; suite_runs=1; resets=200 ;;
    --runs) runs="$2"; shift ;;
    --suite-runs) suite_runs="$2"; shift ;;
    --resets) resets="$2"; shift ;;
    --online) offline="" ;;
    --out) out="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
JAVA="${JAVA:-java}"
JAVA_OPTS="${JAVA_OPTS:--Xmx1g}"
# Both sides log at WARN: the EmbeddedKafka side through logback (jmh/testkit/src/main/resources/logback.xml), the
# Streamline side (slf4j-simple, as in its tests) through this property.
STREAMLINE_LOG="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
out="${out:-$here/target/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
raw="$out/raw.txt"
: > "$raw"

echo "== building the Streamline side (streamline-examples test classpath)"
mvn -B -q $offline -pl streamline-examples -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$here/target/streamline-cp.txt" -Dmdep.includeScope=test
cp_streamline="$root/streamline-examples/target/test-classes:$root/streamline-examples/target/classes:$(cat "$here/target/streamline-cp.txt")"

echo "== building the EmbeddedKafka side (jmh/testkit, the suite copied with @EmbeddedKafkaSuite)"
src="$here/target/src"
rm -rf "$src"
mkdir -p "$src/io/streamline/embedded/junit" "$src/io/streamline/examples/suite" "$src/io/streamline/examples/bench"
cp -r "$here/src/main/java/." "$src/"
for a in TestTopic BootstrapServers ProducerProperties ConsumerProperties AdminProperties; do
  cp "$root/streamline-embedded/src/main/java/io/streamline/embedded/junit/$a.java" "$src/io/streamline/embedded/junit/"
done
cp "$root/streamline-examples/src/test/java/io/streamline/examples/bench/SuiteRunner.java" "$src/io/streamline/examples/bench/"
for f in "$root"/streamline-examples/src/test/java/io/streamline/examples/suite/*.java; do
  sed -e 's/^import io\.streamline\.embedded\.junit\.StreamlineTest;/import io.streamline.testkit.embeddedkafka.EmbeddedKafkaSuite;/' \
      -e 's/@StreamlineTest(/@EmbeddedKafkaSuite(/' "$f" > "$src/io/streamline/examples/suite/$(basename "$f")"
done
mvn -B -q $offline -f "$here/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$here/target/kafka-cp.txt"
cp_kafka="$here/target/classes:$(cat "$here/target/kafka-cp.txt")"

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) {print "n/a"} else if (NR % 2) {print a[(NR+1)/2]} else {print (a[NR/2]+a[NR/2+1])/2}}'; }
field() { sed -n "s/.*[ ]$1=\([0-9.]*\).*/\1/p"; }

echo "== startup, $runs runs each"
for i in $(seq 1 "$runs"); do
  s=$("$JAVA" $JAVA_OPTS $STREAMLINE_LOG -cp "$cp_streamline" io.streamline.examples.bench.StartupProbe 2>>"$out/streamline-startup.log" | grep '^startup' || true)
  k=$("$JAVA" $JAVA_OPTS -cp "$cp_kafka" io.streamline.testkit.embeddedkafka.EmbeddedKafkaStartupProbe 2>>"$out/embeddedkafka-startup.log" | grep '^startup' || true)
  echo "streamline $s" | tee -a "$raw"
  echo "embeddedkafka $k" | tee -a "$raw"
done

echo "== the 30-test example suite, $suite_runs runs each"
for i in $(seq 1 "$suite_runs"); do
  s=$("$JAVA" $JAVA_OPTS $STREAMLINE_LOG -Dsuite.timings=true -cp "$cp_streamline" io.streamline.examples.bench.SuiteRunner 2>>"$out/streamline-suite.log" | tee -a "$out/streamline-suite-timings.txt" | grep '^suite' || true)
  k=$("$JAVA" $JAVA_OPTS -Dsuite.timings=true -cp "$cp_kafka" io.streamline.examples.bench.SuiteRunner 2>>"$out/embeddedkafka-suite.log" | tee -a "$out/embeddedkafka-suite-timings.txt" | grep '^suite' || true)
  echo "streamline $s" | tee -a "$raw"
  echo "embeddedkafka $k" | tee -a "$raw"
done

echo "== reset, $resets tests"
r=$("$JAVA" $JAVA_OPTS $STREAMLINE_LOG -cp "$cp_streamline" io.streamline.examples.bench.ResetProbe "$resets" 2>>"$out/reset.log" | grep '^reset' || true)
echo "streamline $r" | tee -a "$raw"

ready_s=$(grep '^streamline startup' "$raw" | field ready_ms | median)
ready_k=$(grep '^embeddedkafka startup' "$raw" | field ready_ms | median)
rt_s=$(grep '^streamline startup' "$raw" | field roundtrip_ms | median)
rt_k=$(grep '^embeddedkafka startup' "$raw" | field roundtrip_ms | median)
suite_s=$(grep '^streamline suite' "$raw" | field run_ms | median)
suite_k=$(grep '^embeddedkafka suite' "$raw" | field run_ms | median)
jvm_s=$(grep '^streamline suite' "$raw" | field jvm_ms | median)
jvm_k=$(grep '^embeddedkafka suite' "$raw" | field jvm_ms | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
{
  echo "# Test kit vs EmbeddedKafka — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| measure | Streamline (@StreamlineTest) | EmbeddedKafka (KRaft) | ratio |"
  echo "|---|---|---|---|"
  echo "| fresh JVM → broker ready, median of $runs (ms) | $ready_s | $ready_k | $(ratio "$ready_k" "$ready_s")× |"
  echo "| fresh JVM → first record produced and consumed, median of $runs (ms) | $rt_s | $rt_k | $(ratio "$rt_k" "$rt_s")× |"
  echo "| 30-test suite, launcher run incl. broker start, median of $suite_runs (ms) | $suite_s | $suite_k | $(ratio "$suite_k" "$suite_s")× |"
  echo "| 30-test suite, fresh JVM to the end, median of $suite_runs (ms) | $jvm_s | $jvm_k | $(ratio "$jvm_k" "$jvm_s")× |"
  echo
  echo "Reset: $(grep '^streamline reset' "$raw" | sed 's/^streamline reset //')"
} > "$out/results.md"
echo
cat "$out/results.md"
