#!/usr/bin/env python3
"""Print Markdown tables of the end-to-end benchmarks (`jmh/run.sh e2e`).

    jmh/summarize-e2e.py [jmh/target/jmh-e2e-result.json [jmh/target]]

Throughput: M rec/s is 10^6 records produced and consumed per second (JMH's score), "±" JMH's 99.9 %
confidence half-width over all measured iterations of all forks, min..max the slowest and fastest
iteration. "cores" is the process CPU time per second (`processCpuNanos` / 1e9: producers, the engine's
threads, the consumer, GC, JIT); "per CPU-s" divides each iteration's rate by its cores: records per
CPU-second of the whole process.

Latency (paced runs): the percentiles of the histograms of all measured iterations of all forks merged
(from the e2e-latency-*.json files, one per fork), in microseconds, from send to read; "p99 per it." and
"p99.9 per it." are the mean ± 99.9 % confidence half-width (Student's t, as JMH) of the per-iteration
values; "sched p99" is measured from the time the pacer meant to send (includes producer lag);
"CPU µs/msg" is process CPU time per message; "load" the machine's 1-minute load average when each
fork's trial began and ended (2 vCPUs: above 2, threads wait for a CPU).
"""
import glob
import json
import math
import os
import sys

# Student's t at 0.9995 (two-sided 99.9 %), as JMH uses, for df = 1..30.
T9995 = [636.619, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041, 4.781, 4.587, 4.437, 4.318, 4.221, 4.140,
         4.073, 4.015, 3.965, 3.922, 3.883, 3.850, 3.819, 3.792, 3.768, 3.745, 3.725, 3.707, 3.690, 3.674,
         3.659, 3.646]


def mean_ci(values):
    n = len(values)
    if n == 0:
        return float("nan"), float("nan")
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan")
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    t = T9995[n - 2] if n - 1 <= len(T9995) else 3.291
    return mean, t * sd / math.sqrt(n)


def raw(metric):
    return [v for fork in metric.get("rawData", []) for v in fork] if metric else []


def system(benchmark):
    return "Chronicle Queue" if "Chronicle" in benchmark else "Streamline"


def percentile(buckets, total, p):
    wanted = max(1, math.ceil(p / 100.0 * total))
    seen = 0
    for value, count in buckets:
        seen += count
        if seen >= wanted:
            return value
    return buckets[-1][0] if buckets else float("nan")


def merge(files, key):
    counts = {}
    for f in files:
        for value, count in f[key]:
            counts[value] = counts.get(value, 0) + count
    buckets = sorted(counts.items())
    return buckets, sum(c for _, c in buckets)


def fmt_us(v):
    return "%.1f" % v if v < 100 else "%.0f" % v


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "jmh/target/jmh-e2e-result.json"
    directory = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(path) or "."
    with open(path) as f:
        results = json.load(f)

    print("### Throughput: 100-byte records, produced and consumed (one topic / queue, one consumer)")
    print()
    print("| system | store | producers | M rec/s (wall) | min..max | cores | M rec/s per CPU-s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        if "Throughput" not in r["benchmark"]:
            continue
        p = r.get("params", {})
        primary = r["primaryMetric"]
        values = raw(primary)
        cpu = raw(r.get("secondaryMetrics", {}).get("processCpuNanos"))
        ratios = [v / (c / 1e9) for v, c in zip(values, cpu) if c > 0]
        cores = sum(cpu) / len(cpu) / 1e9 if cpu else float("nan")
        err = primary.get("scoreError")
        err = "" if not isinstance(err, (int, float)) or math.isnan(err) else " ± %.2f" % (err / 1e6)
        per_cpu = "%.2f (%.2f..%.2f)" % (sum(ratios) / len(ratios) / 1e6, min(ratios) / 1e6, max(ratios) / 1e6) if ratios else ""
        print("| %s | %s | %s | %.2f%s | %.2f..%.2f | %.2f | %s |" % (
            system(r["benchmark"]), p.get("store", "mmap (files)"), p.get("producers"), primary["score"] / 1e6, err,
            min(values) / 1e6, max(values) / 1e6, cores, per_cpu))
    print()

    latency_files = []
    for name in sorted(glob.glob(os.path.join(directory, "e2e-latency-*.json"))):
        with open(name) as f:
            latency_files.append(json.load(f))
    print("### Latency at a fixed rate, µs from send to read (HdrHistogram, all measured iterations of all forks)")
    print()
    print("| system | store | producers | reader | rate (msg/s) | p50 | p99 | p99.9 | max | p99 per it. | p99.9 per it. | sched p99 | cores | CPU µs/msg | load |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        if "Latency" not in r["benchmark"]:
            continue
        p = r.get("params", {})
        files = [f for f in latency_files if f["benchmark"] == r["benchmark"] and f["params"] == p]
        if not files:
            continue
        send, total = merge(files, "histogram_send_ns")
        sched, sched_total = merge(files, "histogram_schedule_ns")
        iterations = [it for f in files for it in f["iterations"]]
        p99 = mean_ci([it["p99"] for it in iterations])
        p999 = mean_ci([it["p999"] for it in iterations])
        cpu = raw(r.get("secondaryMetrics", {}).get("processCpuNanos"))
        rates = raw(r["primaryMetric"])
        cores = sum(cpu) / len(cpu) / 1e9 if cpu else float("nan")
        cpu_per_msg = sum(c / v for c, v in zip(cpu, rates) if v > 0) / len(rates) / 1e3 if rates else float("nan")
        reader = p.get("wait", "")
        reader = {"park": "blocking poll" if system(r["benchmark"]) == "Streamline" else "park 50 µs",
                  "spin": "busy poll"}.get(reader, reader)
        load = ", ".join("%s→%s" % (f.get("loadavg_start", "?"), f.get("loadavg_end", "?")) for f in files)
        print("| %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s ± %s | %s ± %s | %s | %.2f | %.1f | %s |" % (
            system(r["benchmark"]), p.get("store", "mmap (files)"), p.get("producers"), reader,
            r["primaryMetric"]["score"],
            fmt_us(percentile(send, total, 50) / 1e3), fmt_us(percentile(send, total, 99) / 1e3),
            fmt_us(percentile(send, total, 99.9) / 1e3), fmt_us(send[-1][0] / 1e3),
            fmt_us(p99[0]), fmt_us(p99[1]), fmt_us(p999[0]), fmt_us(p999[1]),
            fmt_us(percentile(sched, sched_total, 99) / 1e3), cores, cpu_per_msg, load))


if __name__ == "__main__":
    main()
