#!/usr/bin/env python3
"""Markdown tables from one jmh/kafka-compare/transactions.sh results directory.

    jmh/kafka-compare/transactions-report.py jmh/kafka-compare/target/results/transactions-latest > results.md

Reads meta.env, <broker>/broker.env, each step's <broker>/<step>-r<N>.out (TransactionPerformance's `mode=` line)
and .stat (exit status, load average before and after). Each cell is the median over the repetitions, with the
range in brackets. Ratios are Streamline / Kafka; the target is that of issue #6, section 5: at least 2x Kafka's
transactions/s.
"""
import glob
import os
import re
import statistics
import sys

STEPS = [("produce-plain", "plain, enable.idempotence=false"), ("produce-idempotent", "idempotent"),
         ("txn-1", "transactional, 1 producer"), ("txn-4", "transactional, 4 producers")]


def read_env(path):
    env = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    key, value = line.rstrip("\n").split("=", 1)
                    env[key] = value
    return env


def fields(path):
    if not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("mode="):
                return {k: v for k, v in (kv.split("=", 1) for kv in line.split() if "=" in kv)}
    return None


def runs(directory, broker, step):
    """The values of every successful repetition of a step, and the failures' descriptions."""
    values, failures = [], []
    for out in sorted(glob.glob(os.path.join(directory, broker, step + "-r*.out"))):
        stat = read_env(out[:-4] + ".stat")
        parsed = fields(out)
        if stat.get("rc") == "0" and parsed:
            values.append(parsed)
        else:
            with open(out, errors="replace") as f:
                why = next((l.strip() for l in f if re.search(r"Exception|Error|error|timed out", l)), "")
            failures.append("exit %s%s" % (stat.get("rc", "?"), ": " + why[:140] if why else ""))
    return values, failures


def summary(values, key):
    numbers = [float(v[key]) for v in values if v.get(key) not in (None, "NaN")]
    if not numbers:
        return None, ""
    median = statistics.median(numbers)
    if len(numbers) == 1:
        return median, "%s" % fmt(median)
    return median, "%s [%s–%s]" % (fmt(median), fmt(min(numbers)), fmt(max(numbers)))


def fmt(x):
    if x >= 100:
        return "{:,.0f}".format(x)
    if x >= 10:
        return "%.1f" % x
    return "%.2f" % x


def main(directory):
    meta = read_env(os.path.join(directory, "meta.env"))
    brokers = [b for b in meta.get("brokers", "streamline,kafka").split(",") if os.path.isdir(os.path.join(directory, b))]
    print("# Transactions and idempotence: Streamline vs Apache Kafka %s\n" % meta.get("kafka_version", "?"))
    for key in ("date", "commit", "clients", "repeats", "records", "transactions", "records_per_transaction",
                "record_size", "java", "nproc", "cpu", "kernel", "load_start", "load_end"):
        print("- %s: %s" % (key, meta.get(key, "?")))
    for b in brokers:
        print("- %s: %s" % (b, read_env(os.path.join(directory, b, "broker.env")).get("version", "?")))
    print()

    medians = {}
    print("| step | metric | " + " | ".join(brokers) + (" | Streamline / Kafka |" if len(brokers) == 2 else ""))
    print("|---|---|" + "---|" * len(brokers) + ("---|" if len(brokers) == 2 else ""))
    for step, label in STEPS:
        if not any(glob.glob(os.path.join(directory, b, step + "-r*.out")) for b in brokers):
            continue  # a step this run left out (--txn-producers)
        metrics = [("records.sec", "records/s")]
        if step.startswith("txn"):
            metrics = [("transactions.sec", "transactions/s"), ("records.sec", "records/s"),
                       ("commit.p50.ms", "commitTransaction p50 ms"), ("commit.p99.ms", "commitTransaction p99 ms")]
        for key, name in metrics:
            cells = []
            for b in brokers:
                values, failures = runs(directory, b, step)
                median, text = summary(values, key)
                medians[(b, step, key)] = median
                if failures:
                    text = (text + "; " if text else "") + "%d failed (%s)" % (len(failures), failures[0])
                cells.append(text or "n/a")
            ratio = ""
            if len(brokers) == 2:
                a, k = medians.get((brokers[0], step, key)), medians.get((brokers[1], step, key))
                ratio = " %.2fx |" % (a / k) if a and k else " n/a |"
            print("| %s | %s | %s |%s" % (label, name, " | ".join(cells), ratio))
    print()

    for b in brokers:
        plain, idem = medians.get((b, "produce-plain", "records.sec")), medians.get((b, "produce-idempotent", "records.sec"))
        if plain and idem:
            print("- %s: idempotence costs %.1f %% of plain produce throughput (median records/s)."
                  % (b, 100.0 * (plain - idem) / plain))
    if "streamline" in brokers and "kafka" in brokers:
        for step, label in STEPS[2:]:
            s, k = medians.get(("streamline", step, "transactions.sec")), medians.get(("kafka", step, "transactions.sec"))
            if s and k:
                print("- Target (>= 2x Kafka's transactions/s), %s: %.2fx, %s." % (label, s / k, "met" if s >= 2 * k else "NOT met"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "jmh/kafka-compare/target/results/transactions-latest")
