#!/usr/bin/env python3
"""Markdown tables from one jmh/kafka-compare/run.sh results directory.

    jmh/kafka-compare/report.py jmh/kafka-compare/target/results/latest > results.md

Reads meta.env, <broker>/broker.env, and each step's <broker>/<step>.out (the tool's output) and
<broker>/<step>.stat (exit status, wall time, the broker's CPU time during the step, its RSS after it).
Throughput in records/s and MB/s with MB = 2^20 bytes of record payload (key + value), as Kafka's tools
count them. Ratios are Streamline / Kafka; the targets are those of issue #4, section 6.
"""
import os
import re
import sys

BROKERS = ("streamline", "kafka")


def read_env(path):
    env = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    key, value = line.rstrip("\n").split("=", 1)
                    env[key] = value
    return env


def read(path):
    if not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        return f.read()


def failure(text, stat):
    """Why a step failed: its exit status and the first telling line of its output."""
    reason = ""
    for line in (text or "").splitlines():
        if re.search(r"not support|Exception|Error|error|timed out|WARNING", line):
            reason = line.strip()
            break
    rc = stat.get("rc", "?")
    if rc == "124":
        reason = "killed by the step's time limit" + (": " + reason if reason else "")
    return "failed (exit %s%s)" % (rc, ": " + reason[:160] if reason else "")


def producer(text):
    last = None
    for m in re.finditer(r"^(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, "
                         r"([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th",
                         text or "", re.M):
        last = m
    if not last:
        return None
    g = last.groups()
    return {"records": int(g[0]), "rps": float(g[1]), "mbs": float(g[2]), "avg": float(g[3]), "max": float(g[4]),
            "p50": int(g[5]), "p95": int(g[6]), "p99": int(g[7]), "p999": int(g[8])}


def consumer_group(text):
    for line in (text or "").splitlines():
        fields = [x.strip() for x in line.split(",")]
        if len(fields) == 10 and re.match(r"^\d{4}-", fields[0]):
            return {"records": int(fields[4]), "rps": float(fields[9]), "mbs": float(fields[8]),
                    "join_ms": int(fields[6]), "rps_total": float(fields[5])}
    return None


def key_values(text):
    for line in (text or "").splitlines():
        if line.startswith("records="):
            return dict(kv.split("=", 1) for kv in line.split())
    return None


def consumer_assign(text):
    kv = key_values(text)
    if not kv:
        return None
    return {"records": int(kv["records"]), "rps": float(kv["nMsg.sec"]), "mbs": float(kv["MB.sec"]),
            "fetches": kv.get("fetch.requests")}


def e2e_tool(text):
    m = re.search(r"Percentiles: 50th = (\d+), 99th = (\d+), 99.9th = (\d+)", text or "")
    avg = re.search(r"Avg latency: ([\d.]+) ms", text or "")
    if not m:
        return None
    return {"avg": float(avg.group(1)) * 1000 if avg else None,
            "p50": int(m.group(1)) * 1000, "p99": int(m.group(2)) * 1000, "p999": int(m.group(3)) * 1000}


def e2e_probe(text):
    kv = key_values(text)
    if not kv:
        return None
    return {"avg": float(kv["avg.us"]), "p50": float(kv["p50.us"]), "p99": float(kv["p99.us"]),
            "p999": float(kv["p99.9.us"]), "max": float(kv["max.us"]), "records": int(kv["records"])}


PARSERS = {"produce": producer, "consume-group": consumer_group, "consume-assign": consumer_assign,
           "e2e-tool": e2e_tool, "e2e-probe": e2e_probe}


def step(root, broker, name):
    """(parsed result or None, stat dict, failure text or None) of one step."""
    text = read(os.path.join(root, broker, name + ".out"))
    stat = read_env(os.path.join(root, broker, name + ".stat"))
    if text is None:
        return None, stat, "not run"
    kind = next(k for k in PARSERS if name.startswith(k))
    result = PARSERS[kind](text)
    if result is None or stat.get("rc", "0") != "0" and kind != "e2e-tool":
        return None, stat, failure(text, stat)
    return result, stat, None


def fmt_int(x):
    return "{:,.0f}".format(x)


def ratio(s, k):
    if s is None or k is None or k == 0:
        return None
    return s / k


def fmt_ratio(r):
    return "—" if r is None else "%.2f×" % r


def verdict(r, target, higher_is_better):
    if r is None:
        return "n/a"
    met = r >= target if higher_is_better else r <= target
    return "**yes**" if met else "**no**"


def cpu(stat):
    return stat.get("broker_cpu_s", "?")


def tool_cpu(stat):
    return stat.get("tool_cpu_s", "?")


def per_cpu(r, stat):
    """Records per CPU-second of the broker during the step."""
    try:
        return r["records"] / float(stat["broker_cpu_s"]) if r else None
    except (KeyError, ValueError, ZeroDivisionError):
        return None


def fmt_per_cpu(s, k):
    if s is None and k is None:
        return "—"
    ss = fmt_int(s) if s is not None else "—"
    kk = fmt_int(k) if k is not None else "—"
    rr = ratio(s, k)
    return "%s / %s%s" % (ss, kk, " (%s)" % fmt_ratio(rr) if rr is not None else "")


def rss_peaks(root, broker):
    """Highest VmRSS, RssAnon, RssFile sampled once a second (KiB), or None."""
    path = os.path.join(root, broker, "rss.tsv")
    if not os.path.exists(path):
        return None
    peaks = [0, 0, 0]
    with open(path) as f:
        next(f, None)
        for line in f:
            fields = line.split()
            if len(fields) >= 4:
                for i in range(3):
                    peaks[i] = max(peaks[i], int(fields[i + 1] or 0))
    return peaks


def main():
    root = sys.argv[1]
    meta = read_env(os.path.join(root, "meta.env"))
    env = {b: read_env(os.path.join(root, b, "broker.env")) for b in BROKERS}
    records = int(meta.get("records", "0"))
    out = []
    w = out.append

    w("# Streamline Kafka listener vs Apache Kafka %s" % meta.get("kafka_version", "?"))
    w("")
    w("Run of %s on commit `%s`%s. %s records of %s bytes per producer run, %s latency round trips "
      "(probe: %s more as warmup). Load average %s at the start, %s at the end, on %s CPUs. %s." % (
          meta.get("date", "?"), meta.get("commit", "?"), " (**--quick**)" if meta.get("quick") == "1" else "",
          fmt_int(records), meta.get("record_size", "?"), fmt_int(int(meta.get("e2e_records", "0"))),
          fmt_int(int(meta.get("e2e_warmup", "0"))), meta.get("load_start", "?"), meta.get("load_end", "?"),
          meta.get("nproc", "?"), meta.get("java", "?")))
    w("")
    w("Brokers: Streamline `%s`; Kafka `%s`. Broker JVM: `%s`. Tool JVM: `%s`.%s" % (
        env["streamline"].get("version", "not run"), env["kafka"].get("version", "not run"),
        meta.get("broker_jvm", "?"), meta.get("tool_jvm", "?"),
        " JFR recording during the producer runs of: %s (costs a few per cent)." % meta["jfr"]
        if meta.get("jfr") else ""))
    w("")

    # Producer
    w("## Producer: ProducerPerformance (unthrottled, 100-byte values, no key, producer defaults otherwise)")
    w("")
    w("| acks | partitions | Streamline records/s | MB/s | Kafka records/s | MB/s | ratio | target ≥ 2× | "
      "broker CPU s, S / K | records per broker CPU-s, S / K | tool CPU s, S / K | "
      "latency p50 / p99 / p99.9 ms, Streamline | Kafka |")
    w("|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|")
    for acks in ("1", "all"):
        for partitions in ("1", "8"):
            name = "produce-acks%s-p%s" % (acks, partitions)
            res = {b: step(root, b, name) for b in BROKERS}
            cells = []
            for b in BROKERS:
                r, _, fail = res[b]
                if r and r["records"] != records:
                    fail = "sent %d of %d" % (r["records"], records)
                    r = None
                cells.append(r)
                res[b] = (r, res[b][1], fail)
            s, k = cells
            rr = ratio(s and s["rps"], k and k["rps"])

            def thr(b, r):
                return (fmt_int(r["rps"]), "%.1f" % r["mbs"]) if r else (res[b][2], "")

            def lat(r):
                return "%d / %d / %d" % (r["p50"], r["p99"], r["p999"]) if r else "—"
            ss, ks = res["streamline"][1], res["kafka"][1]
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s / %s | %s | %s |" % (
                acks, partitions, *thr("streamline", s), *thr("kafka", k), fmt_ratio(rr), verdict(rr, 2.0, True),
                cpu(ss), cpu(ks), fmt_per_cpu(per_cpu(s, ss), per_cpu(k, ks)), tool_cpu(ss), tool_cpu(ks),
                lat(s), lat(k)))
    w("")
    w("The latency columns are ProducerPerformance's send-to-acknowledgement latencies (whole milliseconds; "
      "under an unthrottled load they are mostly time queued in the producer).")
    w("")

    # Consumer
    w("## Consumer: the acks=all topics read from the beginning")
    w("")
    w("| tool | partitions | Streamline records/s | MB/s | Kafka records/s | MB/s | ratio | target ≥ 2× | "
      "broker CPU s, S / K | records per broker CPU-s, S / K | tool CPU s, S / K | fetch responses, S / K |")
    w("|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|")
    for tool, label in (("consume-group", "ConsumerPerformance (group)"),
                        ("consume-assign", "AssignedConsumerPerformance (assign)")):
        for partitions in ("1", "8"):
            name = "%s-p%s" % (tool, partitions)
            res = {b: step(root, b, name) for b in BROKERS}
            s, k = res["streamline"][0], res["kafka"][0]
            rr = ratio(s and s["rps"], k and k["rps"])

            def thr(b):
                r = res[b][0]
                return (fmt_int(r["rps"]), "%.1f" % r["mbs"]) if r else (res[b][2], "")
            ss, ks = res["streamline"][1], res["kafka"][1]
            fetches = " / ".join((r or {}).get("fetches") or "—" for r in (s, k))
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s / %s | %s |" % (
                label, partitions, *thr("streamline"), *thr("kafka"), fmt_ratio(rr), verdict(rr, 2.0, True),
                cpu(ss), cpu(ks), fmt_per_cpu(per_cpu(s, ss), per_cpu(k, ks)), tool_cpu(ss), tool_cpu(ks), fetches))
    w("")
    w("ConsumerPerformance's rates are its fetch.nMsg.sec / fetch.MB.sec (the group join time taken out); "
      "AssignedConsumerPerformance's clock runs from the first poll to the last record.")
    w("")

    # Latency
    w("## End-to-end latency: send().get() then poll(), one message at a time, acks=all, 1 partition")
    w("")
    w("| tool | Streamline p50 / p99 / p99.9 µs | avg | Kafka p50 / p99 / p99.9 µs | avg | p99 ratio | "
      "target ≤ 0.3× | broker CPU s, S / K |")
    w("|---|---|---:|---|---:|---:|---|---|")
    for name, label in (("e2e-tool", "EndToEndLatency (whole ms, truncated)"),
                        ("e2e-probe", "LatencyProbe (µs)")):
        res = {b: step(root, b, name) for b in BROKERS}
        s, k = res["streamline"][0], res["kafka"][0]
        rr = ratio(s and s["p99"], k and k["p99"])
        if name == "e2e-tool" and s and k and (s["p99"] == 0 or k["p99"] == 0):
            rr = None

        def lat(b):
            r = res[b][0]
            if not r:
                return (res[b][2], "")
            return ("%s / %s / %s" % (fmt_int(r["p50"]), fmt_int(r["p99"]), fmt_int(r["p999"])),
                    fmt_int(r["avg"]) if r.get("avg") is not None else "?")
        w("| %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
            label, *lat("streamline"), *lat("kafka"), fmt_ratio(rr), verdict(rr, 0.3, False),
            cpu(res["streamline"][1]), cpu(res["kafka"][1])))
    notes = []
    for b in BROKERS:
        r, stat, _ = step(root, b, "e2e-tool")
        if r and stat.get("rc", "0") != "0":
            notes.append("%s: EndToEndLatency printed its results, then exited with %s (%s)" % (
                b, stat.get("rc"), failure(read(os.path.join(root, b, "e2e-tool.out")), stat)))
    w("")
    w("EndToEndLatency keeps whole milliseconds (a 0.9 ms round trip counts as 0); LatencyProbe runs the same "
      "loop with nanoTime kept, and its first round trips are not counted (warmup).%s" % (
          " " + "; ".join(notes) + "." if notes else ""))
    w("")

    # Memory
    w("## Memory: the broker process's peak resident set (VmHWM) over the whole run")
    w("")
    w("| broker | peak RSS MiB | ratio | target ≤ 0.25× | sampled peak: anonymous / file-backed MiB | "
      "RSS after start MiB | RSS at the end MiB | CPU s, whole run | threads |")
    w("|---|---:|---:|---|---|---:|---:|---:|---:|")
    peak = {b: int(env[b]["peak_rss_kb"]) if env[b].get("peak_rss_kb") else None for b in BROKERS}
    rr = ratio(peak["streamline"], peak["kafka"])
    for b in BROKERS:
        e = env[b]
        if not e.get("peak_rss_kb"):
            w("| %s | not run | | | | | | | |" % b)
            continue
        peaks = rss_peaks(root, b)
        w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            b, fmt_int(int(e["peak_rss_kb"]) / 1024),
            fmt_ratio(rr) if b == "streamline" else "", verdict(rr, 0.25, False) if b == "streamline" else "",
            "%s / %s" % (fmt_int(peaks[1] / 1024), fmt_int(peaks[2] / 1024)) if peaks else "?",
            fmt_int(int(e.get("started_rss_kb", "0")) / 1024), fmt_int(int(e["rss_kb"]) / 1024),
            e.get("cpu_s", "?"), e.get("threads", "?")))
    w("")

    # Per-step details
    w("## Steps")
    w("")
    w("| broker | step | exit | wall s | broker CPU s | tool CPU s | broker RSS after, MiB | load after |")
    w("|---|---|---:|---:|---:|---:|---:|---|")
    for b in BROKERS:
        d = os.path.join(root, b)
        if not os.path.isdir(d):
            continue
        stats = sorted(f[:-5] for f in os.listdir(d) if f.endswith(".stat"))
        stats.sort(key=lambda n: os.path.getmtime(os.path.join(d, n + ".stat")))
        for name in stats:
            st = read_env(os.path.join(d, name + ".stat"))
            w("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                b, name, st.get("rc", "?"), st.get("wall_s", "?"), st.get("broker_cpu_s", "?"), st.get("tool_cpu_s", "?"),
                fmt_int(int(st.get("broker_rss_kb", "0")) / 1024), st.get("load", "?")))
    print("\n".join(out))


if __name__ == "__main__":
    main()
