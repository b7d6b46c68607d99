#!/usr/bin/env bash
# Transactions and idempotence: Streamline's Kafka listener (streamline-server.jar) against a real Apache Kafka 4.x
# broker, one after the other in the same run, the same kafka-clients producers against both. Issue #6, section 5.
# Not part of `mvn verify`.
#
#   jmh/kafka-compare/transactions.sh              # full run: 3 repetitions (about 10 minutes)
#   jmh/kafka-compare/transactions.sh --quick      # 1 repetition, fewer records and transactions
#   jmh/kafka-compare/transactions.sh --brokers streamline --skip-build
#
# Options:
#   --quick             1 repetition, 200,000 records per stream run, 500 transactions per transactional run
#   --repeats N         repetitions of every step (default 3); the report shows the median and the range
#   --records N         records per plain / idempotent run (default 1,000,000)
#   --transactions N    transactions per transactional run (default 3,000), 10 records each
#   --txn-producers L   the transactional steps, by number of concurrent producers (default 1,4)
#   --brokers LIST      which brokers, in this order (default streamline,kafka)
#   --jfr WHICH         streamline | kafka | all: a JFR recording (settings=profile) of that broker during each step,
#                       summarized by jfr-summary.py into jfr/*.txt
#   --skip-build        reuse streamline-server.jar and jmh/kafka-compare/target
#   --out DIR           results directory (default jmh/kafka-compare/target/results/transactions-<UTC time>)
# Environment: KAFKA_VERSION (4.3.1), BROKER_HEAP ("-Xms1G -Xmx1G"), TOOL_HEAP ("-Xmx512M"), JAVA (java).
#
# For each broker: start it on 127.0.0.1 with a fresh data directory under jmh/kafka-compare/target/tmp (Kafka: a
# single-node KRaft broker + controller as in run.sh, replication 1 for the internal topics, no log.flush.*;
# Streamline with --fsync never), create one 1-partition topic per step, then run TransactionPerformance (see its
# class comment) with acks=all and 100-byte records:
#   - produce-plain: enable.idempotence=false, --records records streamed, then flushed;
#   - produce-idempotent: the same with enable.idempotence=true (the overhead of producer ids and sequences);
#   - txn-1: one transactional producer committing --transactions transactions of 10 records each in a loop;
#   - txn-4: four transactional producers (own transactional.id each) sharing --transactions transactions;
# each --repeats times, after its warm-up (10 % of the records, 100 transactions per producer). The load average is
# recorded before and after every step (the machine may be shared). Only the processes this script starts are
# stopped, by PID. transactions-report.py writes results.md in the results directory (and prints it).
set -euo pipefail

cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/jmh/kafka-compare"

repeats=3
records=1000000
transactions=3000
brokers="streamline,kafka"
txn_producers="1,4"
jfr=""
skip_build=0
out=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) repeats=1; records=200000; transactions=500 ;;
    --repeats) repeats="$2"; shift ;;
    --records) records="$2"; shift ;;
    --transactions) transactions="$2"; shift ;;
    --brokers) brokers="$2"; shift ;;
    --txn-producers) txn_producers="$2"; shift ;;
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
# kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS (Kafka 4.x), for both brokers and the tools, as run.sh.
jvm_perf="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"
record_size=100
per_transaction=10

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
if [ -z "$out" ]; then
  out="$here/target/results/transactions-$stamp"
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
mkdir -p "$here/target/tmp"
tmp="$(mktemp -d "$here/target/tmp/transactions.XXXXXX")"

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
         "$here/target/libs/kafka-clients-$kafka_version.jar"; do
  [ -f "$f" ] || { echo "missing $f (run without --skip-build, or set KAFKA_VERSION)" >&2; exit 1; }
done
cp="$here/target/libs/*:$tools_jar"

{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo +changes)"
  echo "repeats=$repeats"
  echo "records=$records"
  echo "transactions=$transactions"
  echo "records_per_transaction=$per_transaction"
  echo "record_size=$record_size"
  echo "brokers=$brokers"
  echo "txn_producers=$txn_producers"
  echo "kafka_version=$kafka_version"
  echo "clients=kafka-clients $kafka_version"
  echo "java=$("$java_cmd" -version 2>&1 | sed -n 2p)"
  echo "broker_jvm=$broker_heap $jvm_perf"
  echo "tool_jvm=$tool_heap $jvm_perf"
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "kernel=$(uname -r)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "jfr=$jfr"
} > "$out/meta.env"
log "results in $out; load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------------- helpers
broker_pid=""
broker_name=""
bootstrap=""

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

jfr_wanted() { [ "$jfr" = all ] || [ "$jfr" = "$broker_name" ]; }

# run_step NAME TIMEOUT_S CMD...: run a tool (in the background, so cleanup can stop it), its output to
# $out/$broker/NAME.out, and its exit status, wall time and the load average around it to NAME.stat.
run_step()
{
  local name="$1" limit="$2" rc=0 t0 t1 l0 pid
  shift 2
  local dir="$out/$broker_name"
  log "$broker_name: $name"
  if jfr_wanted && [[ "$name" != create-* ]]; then
    mkdir -p "$out/jfr"
    timeout 60 jcmd "$broker_pid" JFR.start name="$name" settings=profile filename="$out/jfr/$broker_name-$name.jfr" > /dev/null
  fi
  l0="$(cut -d' ' -f1-3 /proc/loadavg)"
  t0="$(date +%s.%N)"
  timeout --kill-after=10 "$limit" "$@" > "$dir/$name.out" 2>&1 &
  pid=$!
  started+=("$pid")
  wait "$pid" || rc=$?
  forget "$pid"
  t1="$(date +%s.%N)"
  if ! kill -0 "$broker_pid" 2>/dev/null; then
    echo "$broker_name (PID $broker_pid) died during $name; its log: $dir/" >&2
    exit 1
  fi
  if jfr_wanted && [[ "$name" != create-* ]]; then
    timeout 60 jcmd "$broker_pid" JFR.stop name="$name" > /dev/null
  fi
  {
    echo "rc=$rc"
    echo "wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
    echo "load_before=$l0"
    echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$dir/$name.stat"
  log "$broker_name: $name: $(grep -E '^mode=' "$dir/$name.out" | head -1 || true)"
  if [ "$rc" != 0 ]; then
    log "$broker_name: $name exited with $rc: $(grep -m1 -iE 'exception|error|not support' "$dir/$name.out" || tail -1 "$dir/$name.out")"
  fi
  return 0
}

tool=("$java_cmd" $tool_heap $jvm_perf "-Dlog4j2.configurationFile=$here/log4j2-tools.properties" -cp "$cp")

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
  # As run.sh: a single-node KRaft combined broker + controller on 127.0.0.1, every internal topic's replication
  # at 1 (including __transaction_state), no log.flush.* settings.
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
    echo "threads=$(status_kb "$broker_pid" Threads)"
  } >> "$out/$broker_name/broker.env"
  log "$broker_name: stopping PID $broker_pid (peak RSS $(status_kb "$broker_pid" VmHWM) kB)"
  stop_pid "$broker_pid"
  forget "$broker_pid"
  broker_pid=""
}

# ---------------------------------------------------------------------------------------------------- runs
stream_timeout=$(( 120 + records / 2000 ))
txn_timeout=$(( 120 + transactions / 5 ))

for broker_name in ${brokers//,/ }; do
  mkdir -p "$out/$broker_name"
  case "$broker_name" in
    streamline) start_streamline ;;
    kafka) start_kafka ;;
    *) echo "unknown broker $broker_name (streamline or kafka)" >&2; exit 2 ;;
  esac
  log "$broker_name: PID $broker_pid serving $bootstrap"
  echo "bootstrap=$bootstrap" >> "$out/$broker_name/broker.env"

  for topic in plain idempotent ${txn_producers//,/ }; do
    case "$topic" in plain|idempotent) ;; *) topic="txn-$topic" ;; esac
    run_step "create-$topic" 120 "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
      --create --topic "perf-$topic" --partitions 1 --replication-factor 1
  done

  for r in $(seq 1 "$repeats"); do
    for mode in plain idempotent; do
      run_step "produce-$mode-r$r" "$stream_timeout" "${tool[@]}" io.streamline.jmh.kafka.TransactionPerformance \
        --bootstrap-server "$bootstrap" --topic "perf-$mode" --mode "$mode" --records "$records" \
        --record-size "$record_size"
    done
    for producers in ${txn_producers//,/ }; do
      run_step "txn-$producers-r$r" "$txn_timeout" "${tool[@]}" io.streamline.jmh.kafka.TransactionPerformance \
        --bootstrap-server "$bootstrap" --topic "perf-txn-$producers" --mode transactional \
        --producers "$producers" --transactions "$transactions" --records-per-transaction "$per_transaction" \
        --record-size "$record_size"
    done
  done

  stop_broker
done

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/meta.env"
if [ -n "$jfr" ] && [ -d "$out/jfr" ]; then
  for f in "$out"/jfr/*.jfr; do
    log "summarizing $f"
    python3 "$here/jfr-summary.py" "$f" > "${f%.jfr}.txt" || log "jfr-summary.py failed on $f"
  done
fi
python3 "$here/transactions-report.py" "$out" > "$out/results.md"
ln -sfn "$out" "$here/target/results/transactions-latest" 2>/dev/null || true
cat "$out/results.md"
log "done; load $(cut -d' ' -f1-3 /proc/loadavg); results in $out/results.md"
