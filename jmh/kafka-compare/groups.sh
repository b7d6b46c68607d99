#!/usr/bin/env bash
# Consumer groups: Streamline's Kafka listener (streamline-server.jar, its defaults: group.initial.rebalance.delay.ms
# 0) against a real Apache Kafka 4.x broker with Kafka's default group settings (group.initial.rebalance.delay.ms
# 3000), one broker after the other in the same run, the same kafka-clients consumers against both. Issue #5,
# section 5. Not part of `mvn verify`.
#
#   jmh/kafka-compare/groups.sh                # full run: 10 repetitions per case (about 25 minutes)
#   jmh/kafka-compare/groups.sh --quick        # 3 repetitions, 3-second commit runs
#   jmh/kafka-compare/groups.sh --brokers streamline,kafka,kafka-delay0 --skip-build
#
# Options:
#   --quick             3 repetitions per case and 3 s (after 1 s of warm-up) per commit run
#   --repeats N         repetitions per stabilization case (default 10)
#   --commit-seconds N  measured seconds per commit run (default 10, after 3 s of warm-up)
#   --brokers LIST      which brokers, in this order (default streamline,kafka); kafka-delay0 is Kafka with
#                       group.initial.rebalance.delay.ms=0, everything else as kafka
#   --steps LIST        some of stabilize, commits, heartbeat100 (default stabilize,commits); heartbeat100 is an
#                       explanatory extra: the classic/range join and cold cases with the clients'
#                       heartbeat.interval.ms at 100 ms instead of 3000, to show how much of the time is heartbeats
#   --jfr WHICH         streamline | kafka | all: a JFR recording (settings=profile) of that broker during each step,
#                       summarized by jfr-summary.py into jfr/*.txt
#   --skip-build        reuse streamline-server.jar and jmh/kafka-compare/target
#   --out DIR           results directory (default jmh/kafka-compare/target/results/groups-<UTC time>)
# Environment: KAFKA_VERSION (4.3.1), BROKER_HEAP ("-Xms1G -Xmx1G"), TOOL_HEAP ("-Xmx512M"), JAVA (java).
#
# For each broker: start it on 127.0.0.1 with a fresh data directory under jmh/kafka-compare/target/tmp (Kafka: a
# single-node KRaft broker + controller, replication 1 for internal topics, group settings left at Kafka's
# defaults), then run GroupStabilization (see its class comment for the exact definition of "stable and consuming")
#   - case join: members 1 and 2 stable, member 3 subscribes after a seeded pseudo-random pause (uniform in
#     [0, 3 s) for classic, the clients' heartbeat.interval.ms; [0, 5 s) for consumer, the brokers'
#     group.consumer.heartbeat.interval.ms), measured from member 3's subscribe;
#   - case cold: three members subscribe together, measured from their subscribe;
# each for classic/range, classic/cooperative-sticky and consumer (KIP-848)/uniform, on a 6-partition topic with one
# record per partition; then CommitPerformance: commitSync of 1 and of 6 partitions per request, commitAsync with 16
# in flight (1 and 6 partitions), and commitSync of 1 partition as a consumer-protocol member. The load average is
# recorded before and after every step (the machine may be shared). Only the processes this script starts are
# stopped, by PID. groups-report.py writes results.md in the results directory (and prints it).
set -euo pipefail

cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/jmh/kafka-compare"

repeats=10
commit_seconds=10
commit_warmup=3
brokers="streamline,kafka"
steps="stabilize,commits"
jfr=""
skip_build=0
out=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) repeats=3; commit_seconds=3; commit_warmup=1 ;;
    --repeats) repeats="$2"; shift ;;
    --commit-seconds) commit_seconds="$2"; shift ;;
    --brokers) brokers="$2"; shift ;;
    --steps) steps="$2"; shift ;;
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

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
if [ -z "$out" ]; then
  out="$here/target/results/groups-$stamp"
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
mkdir -p "$here/target/tmp"
tmp="$(mktemp -d "$here/target/tmp/groups.XXXXXX")"

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
  echo "commit_seconds=$commit_seconds"
  echo "commit_warmup=$commit_warmup"
  echo "brokers=$brokers"
  echo "steps=$steps"
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

jfr_wanted() { [ "$jfr" = all ] || [ "$jfr" = "${broker_name%-delay0}" ]; }

# run_step NAME TIMEOUT_S CMD...: run a tool in the background (so cleanup can stop it), its output to
# $out/$broker/NAME.out, exit status, wall time and the load average before and after it to NAME.stat.
run_step()
{
  local name="$1" limit="$2" rc=0 t0 t1 l0 pid
  shift 2
  local dir="$out/$broker_name"
  log "$broker_name: $name"
  if jfr_wanted; then
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
  if jfr_wanted; then
    timeout 60 jcmd "$broker_pid" JFR.stop name="$name" > /dev/null
  fi
  {
    echo "rc=$rc"
    echo "wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
    echo "load_before=$l0"
    echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$dir/$name.stat"
  log "$broker_name: $name: $(grep -E '^(summary|commits=)' "$dir/$name.out" | head -1 || true)"
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
  echo "version=streamline $(git rev-parse --short HEAD 2>/dev/null || echo unknown), fsync=never, group defaults (group.initial.rebalance.delay.ms=0)" \
    > "$out/$broker_name/broker.env"
}

free_ports()   # two free TCP ports on 127.0.0.1
{
  python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))'
}

start_kafka()   # start_kafka EXTRA_PROPERTIES
{
  local dir="$tmp/$broker_name" ports port cport cluster
  mkdir -p "$dir/data" "$out/$broker_name/logs"
  ports="$(free_ports)"
  port="${ports% *}"
  cport="${ports#* }"
  # A single-node KRaft combined broker + controller, as run.sh's, but with every group.* setting at Kafka's
  # default (group.initial.rebalance.delay.ms=3000, group.consumer.heartbeat.interval.ms=5000, ...) unless
  # EXTRA_PROPERTIES says otherwise.
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
$1
EOF
  cp "$dir/server.properties" "$out/$broker_name/server.properties"
  local log4j=("-Dlog4j2.configurationFile=$here/log4j2-broker.properties" "-Dkafka.logs.dir=$out/$broker_name/logs")
  cluster="$(timeout 120 "$java_cmd" "${log4j[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid)"
  log "$broker_name: formatting $dir/data (cluster $cluster)"
  timeout 120 "$java_cmd" "${log4j[@]}" -cp "$cp" kafka.tools.StorageTool format --config "$dir/server.properties" \
    --cluster-id "$cluster" --standalone > "$out/$broker_name/format.log" 2>&1
  set_broker_jvm
  "${broker_jvm[@]}" "${log4j[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" \
    > "$out/$broker_name/broker.log" 2>&1 &
  broker_pid=$!
  started+=("$broker_pid")
  wait_for "$out/$broker_name/logs/server.log" 'Kafka Server started' 120
  bootstrap="127.0.0.1:$port"
  echo "version=kafka $kafka_version, KRaft combined mode, group settings: ${1:-all at the defaults}" > "$out/$broker_name/broker.env"
}

stop_broker()
{
  log "$broker_name: stopping PID $broker_pid (peak RSS $(status_kb "$broker_pid" VmHWM) kB)"
  stop_pid "$broker_pid"
  forget "$broker_pid"
  broker_pid=""
}

# ---------------------------------------------------------------------------------------------------- runs
stabilize_timeout=$(( 120 + repeats * 60 ))
commit_timeout=$(( 120 + 2 * (commit_seconds + commit_warmup) ))

for broker_name in ${brokers//,/ }; do
  mkdir -p "$out/$broker_name"
  case "$broker_name" in
    streamline) start_streamline ;;
    kafka) start_kafka "" ;;
    kafka-delay0) start_kafka "group.initial.rebalance.delay.ms=0" ;;
    *) echo "unknown broker $broker_name (streamline, kafka or kafka-delay0)" >&2; exit 2 ;;
  esac
  log "$broker_name: PID $broker_pid serving $bootstrap"
  echo "bootstrap=$bootstrap" >> "$out/$broker_name/broker.env"

  for kase in join cold; do
    [[ ",$steps," == *,stabilize,* ]] || break
    for pa in classic:range:3000 classic:cooperative-sticky:3000 consumer:uniform:5000; do
      IFS=: read -r protocol assignor phase <<< "$pa"
      run_step "stabilize-$kase-$protocol-$assignor" "$stabilize_timeout" "${tool[@]}" \
        io.streamline.jmh.kafka.GroupStabilization --bootstrap-server "$bootstrap" --topic groups-p6 --partitions 6 \
        --case "$kase" --protocol "$protocol" --assignor "$assignor" --repeats "$repeats" --phase-ms "$phase" --seed 1
    done
  done

  for kase in join cold; do
    [[ ",$steps," == *,heartbeat100,* ]] || break
    run_step "stabilize-$kase-classic-range-hb100" "$stabilize_timeout" "${tool[@]}" \
      io.streamline.jmh.kafka.GroupStabilization --bootstrap-server "$bootstrap" --topic groups-p6 --partitions 6 \
      --case "$kase" --protocol classic --assignor range --repeats "$repeats" --phase-ms 100 --seed 1 --heartbeat-ms 100
  done

  for mp in sync:1:classic sync:6:classic async:1:classic async:6:classic sync:1:consumer; do
    [[ ",$steps," == *,commits,* ]] || break
    IFS=: read -r mode per protocol <<< "$mp"
    run_step "commit-$mode-p$per-$protocol" "$commit_timeout" "${tool[@]}" io.streamline.jmh.kafka.CommitPerformance \
      --bootstrap-server "$bootstrap" --topic groups-p6 --partitions-per-commit "$per" --mode "$mode" \
      --protocol "$protocol" --seconds "$commit_seconds" --warmup-seconds "$commit_warmup" --window 16
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
python3 "$here/groups-report.py" "$out" > "$out/results.md"
ln -sfn "$out" "$here/target/results/groups-latest" 2>/dev/null || true
cat "$out/results.md"
log "done; load $(cut -d' ' -f1-3 /proc/loadavg); results in $out/results.md"
