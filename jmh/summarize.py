#!/usr/bin/env python3
"""Print Markdown tables of a JMH JSON result (jmh/target/jmh-result.json by default).

GB/s is 10^9 stored bytes per second, M rec/s 10^6 records per second, from the benchmarks' `bytes`
and `records` counters. "±" is JMH's 99.9% confidence half-width over all measured iterations of all
forks; min..max are the slowest and fastest single iteration. "core" is the share of one core the
benchmark thread ran on (its `cpuNanos` counter / 1e9), and the "per CPU-s" columns divide each
iteration's rate by that iteration's core share: throughput per second of CPU the thread actually got,
which is what a quiet machine would show if nothing else limits it (GC and JIT threads not counted).
"""
import json
import math
import sys


def raw(metric):
    return [v for fork in metric.get("rawData", []) for v in fork] if metric else []


def mean_err(metric, scale, digits):
    if not metric:
        return "", ""
    values = raw(metric)
    err = metric.get("scoreError")
    err_text = "" if err is None or math.isnan(err) else " ± %.*f" % (digits, err / scale)
    spread = "%.*f..%.*f" % (digits, min(values) / scale, digits, max(values) / scale) if values else ""
    return "%.*f%s" % (digits, metric["score"] / scale, err_text), spread


def per_cpu(metric, cpu, scale, digits):
    if not metric or not cpu:
        return ""
    ratios = [v / (c / 1e9) for v, c in zip(raw(metric), raw(cpu)) if c > 0]
    if not ratios:
        return ""
    mean = sum(ratios) / len(ratios)
    return "%.*f (%.*f..%.*f)" % (digits, mean / scale, digits, min(ratios) / scale, digits, max(ratios) / scale)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "jmh/target/jmh-result.json"
    with open(path) as f:
        results = json.load(f)
    print("| benchmark | params | ops/s | GB/s | GB/s min..max | M rec/s | M rec/s min..max | core | GB/s per CPU-s | M rec/s per CPU-s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        name = r["benchmark"].rsplit(".", 2)
        name = name[-2] + "." + name[-1]
        params = ", ".join("%s=%s" % kv for kv in r.get("params", {}).items())
        primary = r["primaryMetric"]
        ops = "%.0f ± %.0f" % (primary["score"], primary["scoreError"])
        secondary = r.get("secondaryMetrics", {})
        cpu = secondary.get("cpuNanos")
        gbs, gbs_spread = mean_err(secondary.get("bytes"), 1e9, 2)
        recs, recs_spread = mean_err(secondary.get("records"), 1e6, 1)
        core = "%.2f" % (cpu["score"] / 1e9) if cpu else ""
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, params, ops, gbs, gbs_spread, recs, recs_spread, core,
            per_cpu(secondary.get("bytes"), cpu, 1e9, 2), per_cpu(secondary.get("records"), cpu, 1e6, 1)))


if __name__ == "__main__":
    main()
