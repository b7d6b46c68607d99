#!/usr/bin/env bash
# Streamline's Kafka listener (streamline-server.jar) against a real Apache Kafka 4.x broker, measured with
# Kafka's own perf tools, one broker after the other in the same run. Not part of `mvn verify`.
#
#   jmh/kafka-compare/run.sh --quick         # smoke run: 200,000 records, 10,000 round trips (about 5 minutes)
#   jmh/kafka-compare/run.sh                 # full run: 2,000,000 records, 100,000 round trips
#   jmh/kafka-compare/run.sh --jfr streamline --brokers streamline --skip-build   # profile Streamline's steps
#
# Options:
#   --quick                 200,000 records per producer run and 10,000 latency round trips
#   --records N             records per producer run (default 2,000,000); the consumer runs read them back
#   --e2e-records N         latency round trips per tool (default 100,000)
#   --brokers LIST          which brokers, in this order (default streamline,kafka)
#   --jfr WHICH             streamline | kafka | all: a JFR recording (settings=profile) of that broker during each
#                           producer, consumer and latency step, summarized by jfr-summary.py into jfr/*.txt
#                           (JFR costs a few per cent: for profiles, not for the table)
#   --skip-build            reuse streamline-server.jar and jmh/kafka-compare/target
#   --out DIR               results directory (default jmh/kafka-compare/target/results/<UTC time>[-quick])
# Environment: KAFKA_VERSION (4.3.1), BROKER_HEAP ("-Xms1G -Xmx1G", Kafka's default), TOOL_HEAP ("-Xmx512M",
# what kafka-producer-perf-test.sh uses), JAVA (java).
#
# For each broker: start it on 127.0.0.1 with a fresh data directory under jmh/kafka-compare/target/tmp; create
# the topics with TopicCommand; ProducerPerformance (acks=1 and acks=all, 1 and 8 partitions, 100-byte records,
# unthrottled, the producer's defaults otherwise); ConsumerPerformance (a consumer group) and
# AssignedConsumerPerformance (assign(), no group) over the acks=all topics; EndToEndLatency and LatencyProbe
# (its loop at microsecond resolution) with acks=all on a 1-partition topic; then the broker's peak RSS
# (VmHWM), and stop it. After each step: the broker's CPU time (utime + stime), the tool's CPU time, the
# broker's RSS; every second, the broker's VmRSS / RssAnon / RssFile (rss.tsv). Durability: Kafka's default,
# no fsync per write (log.flush.* unset), and Streamline with --fsync never. Kafka 4.3.1 is the newest 4.x whose
# broker and tools are both on Maven Central (see pom.xml).
# Both brokers run with the same JVM flags: BROKER_HEAP plus kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS
# and GC logging. Raw outputs, per-step stats, GC logs and broker logs go to the results directory;
# report.py writes results.md there (and prints it). Only the processes this script starts are stopped, by PID.
set -euo pipefail

cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/jmh/kafka-compare"

records=2000000
e2e_records=100000
quick=0
brokers="streamline,kafka"
jfr=""
skip_build=0
out=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1; records=200000; e2e_records=10000 ;;
    --records) records="$2"; shift ;;
    --e2e-records) e2e_records="$2"; shift ;;
    --brokers) brokers="$2"; shift ;;
    --jfr) jfr="$2"; shift ;;
    --skip-build) skip_build=1 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$jfr" in ""|streamline|kafka|all) ;; *) echo "--jfr takes streamline, kafka or all" >&2; exit 2 ;; esac

java_cmd="${JAVA:-java}"
kafka_version="${KAFKA_VERSION:-4.3.1}"
broker_heap="${BROKER_HEAP:--Xms1G -Xmx1G}"
tool_heap="${TOOL_HEAP:--Xmx512M}"
# kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS (Kafka 4.x), for both brokers and the tools.
jvm_perf="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"
record_size=100
e2e_warmup=1000
clk_tck="$(getconf CLK_TCK)"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
if [ -z "$out" ]; then
  out="$here/target/results/$stamp"
  if [ "$quick" = 1 ]; then out="$out-quick"; fi
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
mkdir -p "$here/target/tmp"
tmp="$(mktemp -d "$here/target/tmp/run.XXXXXX")"

started=()     # PIDs of the brokers and tools this script started, and only those
cleanup()
{
  local pid
  for pid in ${started[@]+"${started[@]}"}; do
    stop_pid "$pid"
  done
  rm -rf "$tmp"
}
stop_pid()
{
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  echo "PID $pid did not stop within 60 s of SIGTERM: SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}
forget()
{
  local keep=() pid
  for pid in ${started[@]+"${started[@]}"}; do
    if [ "$pid" != "$1" ]; then keep+=("$pid"); fi
  done
  started=(${keep[@]+"${keep[@]}"})
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "# $(date -u +%H:%M:%S) $*" >&2; }

# ---------------------------------------------------------------------------------------------------- build
if [ "$skip_build" != 1 ]; then
  log "building streamline-server.jar"
  mvn -B -q -DskipTests -pl streamline-examples -am package
  log "resolving Kafka $kafka_version (broker and tools) and building this directory's tools"
  mvn -B -q -f "$here/pom.xml" -Dkafka.version="$kafka_version" package dependency:copy-dependencies
fi
server_jar="$root/streamline-examples/target/streamline-server.jar"
tools_jar="$here/target/streamline-kafka-compare-0.1.0-SNAPSHOT.jar"
for f in "$server_jar" "$tools_jar" "$here/target/libs/kafka_2.13-$kafka_version.jar" \
         "$here/target/libs/kafka-tools-$kafka_version.jar"; do
  [ -f "$f" ] || { echo "missing $f (run without --skip-build, or set KAFKA_VERSION)" >&2; exit 1; }
done
cp="$here/target/libs/*:$tools_jar"

{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo +changes)"
  echo "records=$records"
  echo "record_size=$record_size"
  echo "e2e_records=$e2e_records"
  echo "e2e_warmup=$e2e_warmup"
  echo "quick=$quick"
  echo "brokers=$brokers"
  echo "kafka_version=$kafka_version"
  echo "java=$("$java_cmd" -version 2>&1 | sed -n 2p)"
  echo "broker_jvm=$broker_heap $jvm_perf"
  echo "tool_jvm=$tool_heap $jvm_perf"
  echo "nproc=$(nproc)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "jfr=$jfr"
} > "$out/meta.env"
log "results in $out; load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------------- helpers
broker_pid=""
sampler_pid=""
broker_name=""
bootstrap=""

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# CPU seconds (user + system) of this shell's finished children: their rusage includes the JVM that
# `timeout` waited for, so the difference around a step is the tool's CPU time. `times` runs in this shell
# (in a command substitution it would report the subshell's children), into a file.
children_cpu()
{
  times > "$tmp/times"
  awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$tmp/times"
}

# Every second, the broker's VmRSS, RssAnon (heap, native memory) and RssFile (mapped files, code) to
# $out/$broker/rss.tsv, until the broker exits: where the peak comes from.
sample_rss()
{
  local pid="$1" file="$2"
  echo -e "time_s\tvmrss_kb\trssanon_kb\trssfile_kb\trssshmem_kb" > "$file"
  while kill -0 "$pid" 2>/dev/null; do
    awk -v t="$(date +%s)" '$1 == "VmRSS:" { r = $2 } $1 == "RssAnon:" { a = $2 } $1 == "RssFile:" { f = $2 }
      $1 == "RssShmem:" { s = $2 } END { if (r != "") printf "%s\t%s\t%s\t%s\t%s\n", t, r, a, f, s }' \
      "/proc/$pid/status" >> "$file" 2>/dev/null || true
    sleep 1
  done
}

# run_step NAME TIMEOUT_S CMD...: run a tool (in the background, so cleanup can stop it), its output to
# $out/$broker/NAME.out, and the step's exit status, wall time, broker CPU time and broker RSS to NAME.stat.
run_step()
{
  local name="$1" limit="$2" rc=0 t0 t1 c0 c1 k0 k1 pid
  shift 2
  local dir="$out/$broker_name"
  log "$broker_name: $name"
  if [[ "$name" != create-* ]]; then jfr_start "$name"; fi
  c0="$(cpu_ticks "$broker_pid")"
  children_cpu > "$tmp/k0"
  t0="$(date +%s.%N)"
  timeout --kill-after=10 "$limit" "$@" > "$dir/$name.out" 2>&1 &
  pid=$!
  started+=("$pid")
  wait "$pid" || rc=$?
  forget "$pid"
  t1="$(date +%s.%N)"
  children_cpu > "$tmp/k1"
  if ! kill -0 "$broker_pid" 2>/dev/null; then
    echo "$broker_name (PID $broker_pid) died during $name; its log: $dir/" >&2
    exit 1
  fi
  c1="$(cpu_ticks "$broker_pid")"
  if [[ "$name" != create-* ]]; then jfr_stop "$name"; fi
  k0="$(cat "$tmp/k0")"
  k1="$(cat "$tmp/k1")"
  {
    echo "rc=$rc"
    echo "wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
    echo "broker_cpu_s=$(awk -v a="$c0" -v b="$c1" -v t="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / t }')"
    echo "tool_cpu_s=$(awk -v a="$k0" -v b="$k1" 'BEGIN { printf "%.2f", b - a }')"
    echo "broker_rss_kb=$(status_kb "$broker_pid" VmRSS)"
    echo "broker_hwm_kb=$(status_kb "$broker_pid" VmHWM)"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$dir/$name.stat"
  if [ "$rc" != 0 ]; then
    log "$broker_name: $name exited with $rc: $(grep -m1 -iE 'exception|error|not support' "$dir/$name.out" || tail -1 "$dir/$name.out")"
  fi
  return 0
}

# The tools' JVM: TOOL_HEAP, the same performance flags, log4j2 at WARN to stderr.
tool=("$java_cmd" $tool_heap $jvm_perf "-Dlog4j2.configurationFile=$here/log4j2-tools.properties" -cp "$cp")

jfr_wanted() { [ "$jfr" = all ] || [ "$jfr" = "$broker_name" ]; }

jfr_start()
{
  if jfr_wanted; then
    mkdir -p "$out/jfr"
    timeout 60 jcmd "$broker_pid" JFR.start name="$1" settings=profile filename="$out/jfr/$broker_name-$1.jfr" > /dev/null
  fi
}

jfr_stop()
{
  if jfr_wanted; then
    timeout 60 jcmd "$broker_pid" JFR.stop name="$1" > /dev/null
  fi
}

wait_for()   # wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN and the broker lives
{
  local i
  for i in $(seq 1 $(( $3 * 4 ))); do
    if grep -qE "$2" "$1" 2>/dev/null; then return 0; fi
    kill -0 "$broker_pid" 2>/dev/null || { echo "$broker_name exited while starting; see $1" >&2; return 1; }
    sleep 0.25
  done
  echo "$broker_name did not print /$2/ within $3 s; see $1" >&2
  return 1
}

broker_jvm=()
set_broker_jvm()   # the same flags for both brokers
{
  broker_jvm=("$java_cmd" $broker_heap $jvm_perf "-Xlog:gc*:file=$out/$broker_name/gc.log:time,uptime,tags")
  if jfr_wanted; then broker_jvm+=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints); fi
}

start_streamline()
{
  local data="$tmp/streamline-data"
  set_broker_jvm
  "${broker_jvm[@]}" -jar "$server_jar" --port 0 --data-dir "$data" --fsync never \
    > "$out/$broker_name/broker.log" 2>&1 &
  broker_pid=$!
  started+=("$broker_pid")
  wait_for "$out/$broker_name/broker.log" '^Streamline ready: kafka=' 60
  bootstrap="$(sed -n 's/^Streamline ready: kafka=//p' "$out/$broker_name/broker.log" | head -1)"
  echo "version=streamline $(git rev-parse --short HEAD 2>/dev/null || echo unknown), fsync=never" > "$out/$broker_name/broker.env"
}

free_ports()   # two free TCP ports on 127.0.0.1
{
  python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))'
}

start_kafka()
{
  local dir="$tmp/kafka" ports port cport cluster
  mkdir -p "$dir/data" "$out/$broker_name/logs"
  ports="$(free_ports)"
  port="${ports% *}"
  cport="${ports#* }"
  # A single-node KRaft combined broker + controller, as config/server.properties of the 4.x distribution,
  # on 127.0.0.1 only, with every internal topic's replication at 1. No log.flush.* settings: Kafka's default,
  # the OS writes the page cache back when it likes (no fsync per write).
  cat > "$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
EOF
  cp "$dir/server.properties" "$out/$broker_name/server.properties"
  local log4j=("-Dlog4j2.configurationFile=$here/log4j2-broker.properties" "-Dkafka.logs.dir=$out/$broker_name/logs")
  cluster="$(timeout 120 "$java_cmd" "${log4j[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid)"
  log "kafka: formatting $dir/data (cluster $cluster)"
  timeout 120 "$java_cmd" "${log4j[@]}" -cp "$cp" kafka.tools.StorageTool format --config "$dir/server.properties" \
    --cluster-id "$cluster" --standalone > "$out/$broker_name/format.log" 2>&1
  set_broker_jvm
  "${broker_jvm[@]}" "${log4j[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" \
    > "$out/$broker_name/broker.log" 2>&1 &
  broker_pid=$!
  started+=("$broker_pid")
  wait_for "$out/$broker_name/logs/server.log" 'Kafka Server started' 120
  bootstrap="127.0.0.1:$port"
  echo "version=kafka $kafka_version, KRaft combined mode, no log.flush.*" > "$out/$broker_name/broker.env"
}

stop_broker()
{
  {
    echo "peak_rss_kb=$(status_kb "$broker_pid" VmHWM)"
    echo "rss_kb=$(status_kb "$broker_pid" VmRSS)"
    echo "cpu_s=$(awk -v a="$(cpu_ticks "$broker_pid")" -v t="$clk_tck" 'BEGIN { printf "%.2f", a / t }')"
    echo "threads=$(status_kb "$broker_pid" Threads)"
    echo "data_du=$(du -sh "$tmp/${broker_name}"* 2>/dev/null | awk '{ print $1 }' | head -1)"
  } >> "$out/$broker_name/broker.env"
  log "$broker_name: stopping PID $broker_pid (peak RSS $(status_kb "$broker_pid" VmHWM) kB)"
  stop_pid "$broker_pid"
  forget "$broker_pid"
  broker_pid=""
  wait "$sampler_pid" 2>/dev/null || true
  forget "$sampler_pid"
}

# ---------------------------------------------------------------------------------------------------- runs
producer_timeout=$(( 120 + records / 2000 ))
consumer_timeout=$(( 120 + records / 2000 ))
e2e_timeout=$(( 120 + e2e_records / 20 ))

for broker_name in ${brokers//,/ }; do
  mkdir -p "$out/$broker_name"
  case "$broker_name" in
    streamline) start_streamline ;;
    kafka) start_kafka ;;
    *) echo "unknown broker $broker_name (streamline or kafka)" >&2; exit 2 ;;
  esac
  log "$broker_name: PID $broker_pid serving $bootstrap"
  sample_rss "$broker_pid" "$out/$broker_name/rss.tsv" &
  sampler_pid=$!
  started+=("$sampler_pid")
  echo "bootstrap=$bootstrap" >> "$out/$broker_name/broker.env"
  echo "started_rss_kb=$(status_kb "$broker_pid" VmRSS)" >> "$out/$broker_name/broker.env"

  for topic in perf-acks1-p1:1 perf-acks1-p8:8 perf-acksall-p1:1 perf-acksall-p8:8 e2e-tool:1 e2e-probe:1; do
    run_step "create-${topic%:*}" 120 "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
      --create --topic "${topic%:*}" --partitions "${topic#*:}" --replication-factor 1
  done

  for acks in 1 all; do
    for partitions in 1 8; do
      step="produce-acks$acks-p$partitions"
      run_step "$step" "$producer_timeout" "${tool[@]}" org.apache.kafka.tools.ProducerPerformance \
        --bootstrap-server "$bootstrap" --topic "perf-acks$acks-p$partitions" --num-records "$records" \
        --record-size "$record_size" --throughput -1 --command-property acks="$acks"
    done
  done

  for partitions in 1 8; do
    run_step "consume-group-p$partitions" "$consumer_timeout" "${tool[@]}" org.apache.kafka.tools.ConsumerPerformance \
      --bootstrap-server "$bootstrap" --topic "perf-acksall-p$partitions" --num-records "$records" --timeout 10000
    run_step "consume-assign-p$partitions" "$consumer_timeout" "${tool[@]}" \
      io.streamline.jmh.kafka.AssignedConsumerPerformance \
      --bootstrap-server "$bootstrap" --topic "perf-acksall-p$partitions" --num-records "$records" --timeout 10000
  done

  run_step e2e-tool "$e2e_timeout" "${tool[@]}" org.apache.kafka.tools.EndToEndLatency --bootstrap-server "$bootstrap" \
    --topic e2e-tool --num-records "$e2e_records" --producer-acks all --record-size "$record_size"
  run_step e2e-probe "$e2e_timeout" "${tool[@]}" io.streamline.jmh.kafka.LatencyProbe --bootstrap-server "$bootstrap" \
    --topic e2e-probe --num-records "$e2e_records" --warmup-records "$e2e_warmup" --producer-acks all \
    --record-size "$record_size"

  stop_broker
done

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/meta.env"
if [ -n "$jfr" ] && [ -d "$out/jfr" ]; then
  for f in "$out"/jfr/*.jfr; do
    log "summarizing $f"
    python3 "$here/jfr-summary.py" "$f" > "${f%.jfr}.txt" || log "jfr-summary.py failed on $f"
  done
fi
python3 "$here/report.py" "$out" > "$out/results.md"
ln -sfn "$out" "$here/target/results/latest" 2>/dev/null || true
cat "$out/results.md"
log "done; load $(cut -d' ' -f1-3 /proc/loadavg); results in $out/results.md"
