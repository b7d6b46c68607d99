#!/usr/bin/env python3
"""Markdown tables from one jmh/kafka-compare/groups.sh results directory.

    jmh/kafka-compare/groups-report.py jmh/kafka-compare/target/results/groups-latest > results.md

Reads meta.env, <broker>/broker.env, each step's <broker>/<step>.out (GroupStabilization's `summary` line,
CommitPerformance's `commits=` line) and <broker>/<step>.stat (exit status, load average before and after).
Ratios are Streamline / Kafka (Kafka with its default config); the targets are those of issue #5, section 5:
stable in at most 0.1x Kafka's time and within 50 ms.
"""
import os
import re
import sys

CASES = [("join", "classic", "range"), ("join", "classic", "cooperative-sticky"), ("join", "consumer", "uniform"),
         ("cold", "classic", "range"), ("cold", "classic", "cooperative-sticky"), ("cold", "consumer", "uniform"),
         ("join", "classic", "range-hb100"), ("cold", "classic", "range-hb100")]
COMMITS = [("sync", 1, "classic"), ("sync", 6, "classic"), ("async", 1, "classic"), ("async", 6, "classic"),
           ("sync", 1, "consumer")]


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


def fields(text, prefix):
    for line in (text or "").splitlines():
        if line.startswith(prefix):
            return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    return None


def reps(text):
    """(pause ms, stable ms) of each repetition that succeeded."""
    out = []
    for m in re.finditer(r"^rep=\d+ pause\.ms=(\d+) stable\.ms=([\d.]+)$", text or "", re.M):
        out.append((int(m.group(1)), float(m.group(2))))
    return out


def median(values):
    v = sorted(values)
    n = len(v)
    return None if n == 0 else (v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2)


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def main(directory):
    meta = read_env(os.path.join(directory, "meta.env"))
    brokers = [b for b in meta.get("brokers", "streamline,kafka").split(",") if os.path.isdir(os.path.join(directory, b))]
    print("# Consumer groups: Streamline vs Apache Kafka %s\n" % meta.get("kafka_version", "?"))
    for key in ("date", "commit", "clients", "repeats", "commit_seconds", "java", "nproc", "cpu", "kernel",
                "load_start", "load_end"):
        print("- %s: %s" % (key, meta.get(key, "?")))
    for b in brokers:
        print("- %s: %s" % (b, read_env(os.path.join(directory, b, "broker.env")).get("version", "?")))
    print()

    print("## Stable and consuming (ms; median / p90 / max of the repetitions)\n")
    print("| case | protocol / assignor | " + " | ".join(brokers) + " | Streamline / Kafka (median) | targets met |")
    print("|---|---|" + "---|" * len(brokers) + "---|---|")
    for kase, protocol, assignor in CASES:
        step = "stabilize-%s-%s-%s" % (kase, protocol, assignor)
        if not any(os.path.exists(os.path.join(directory, b, step + ".stat")) for b in brokers):
            continue
        cells = []
        medians = {}
        for b in brokers:
            text = read(os.path.join(directory, b, step + ".out"))
            stat = read_env(os.path.join(directory, b, step + ".stat"))
            s = fields(text, "summary ")
            if not s:
                cells.append("failed (exit %s)" % stat.get("rc", "?") if stat else "not run")
                continue
            medians[b] = number(s.get("median.ms"))
            cell = "%s / %s / %s" % (s.get("median.ms"), s.get("p90.ms"), s.get("max.ms"))
            if s.get("failed", "0") != "0":
                cell += " (%s failed)" % s["failed"]
            cells.append(cell + " (load %s)" % stat.get("load_before", "?").split()[0])
        ratio = ""
        met = ""
        if medians.get("streamline") is not None and medians.get("kafka"):
            r = medians["streamline"] / medians["kafka"]
            ratio = "%.3f" % r
            met = "%s / %s" % ("yes" if r <= 0.1 else "no", "yes" if medians["streamline"] <= 50 else "no")
        print("| %s | %s / %s | %s | %s | %s |" % (kase, protocol, assignor, " | ".join(cells), ratio, met))
    print("\n(targets met: ratio ≤ 0.1 / median ≤ 50 ms; range-hb100: the clients' heartbeat.interval.ms at 100 ms, "
          "an explanatory extra, not the comparison)\n")

    print("## Classic join: time beyond the next heartbeat of members 1 and 2\n")
    print("Median over the repetitions of stable.ms - (3000 - pause.ms): members 1 and 2 heartbeat every 3000 ms")
    print("(heartbeat.interval.ms) from their SyncGroup, shortly before the pause starts, so they learn of member 3's")
    print("join roughly 3000 - pause ms after it. Not the broker's share: the timers start before the members consume,")
    print("and for a broker whose two-member setup took two generations the phase differs (see benchmarks.md).\n")
    print("| case | " + " | ".join(brokers) + " |")
    print("|---|" + "---|" * len(brokers))
    for assignor in ("range", "cooperative-sticky"):
        step = "stabilize-join-classic-%s" % assignor
        cells = []
        for b in brokers:
            r = reps(read(os.path.join(directory, b, step + ".out")))
            m = median([stable - (3000 - pause) for pause, stable in r])
            cells.append("-" if m is None else "%.1f ms" % m)
        print("| join classic / %s | %s |" % (assignor, " | ".join(cells)))
    print()

    print("## OffsetCommit requests/s (one consumer, one request at a time for sync)\n")
    print("| mode | partitions per commit | protocol | " + " | ".join(brokers) + " | Streamline / Kafka |")
    print("|---|---|---|" + "---|" * len(brokers) + "---|")
    for mode, per, protocol in COMMITS:
        step = "commit-%s-p%d-%s" % (mode, per, protocol)
        cells = []
        rates = {}
        for b in brokers:
            text = read(os.path.join(directory, b, step + ".out"))
            stat = read_env(os.path.join(directory, b, step + ".stat"))
            c = fields(text, "commits=")
            if not c:
                cells.append("failed (exit %s)" % stat.get("rc", "?") if stat else "not run")
                continue
            rates[b] = number(c.get("commits.s"))
            cell = "%.0f/s" % rates[b]
            if mode == "sync":
                cell += " (p50 %s µs, p99 %s µs)" % (c.get("p50.us"), c.get("p99.us"))
            if c.get("errors", "0") != "0":
                cell += " (%s errors)" % c["errors"]
            cells.append(cell + " (load %s)" % stat.get("load_before", "?").split()[0])
        ratio = ""
        if rates.get("streamline") is not None and rates.get("kafka"):
            ratio = "%.2f" % (rates["streamline"] / rates["kafka"])
        window = "16 in flight" if mode == "async" else "1 in flight"
        print("| %s (%s) | %d | %s | %s | %s |" % (mode, window, per, protocol, " | ".join(cells), ratio))
    print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
