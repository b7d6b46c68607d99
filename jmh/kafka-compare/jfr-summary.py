#!/usr/bin/env python3
"""Hot methods, threads and allocation sites of a JFR recording, from `jfr print --json`.

    jmh/kafka-compare/jfr-summary.py recording.jfr [top]      # top: rows per table (default 25)

run.sh --jfr records each producer run of a broker with settings=profile (execution samples every 10 ms
per running Java thread, allocation samples weighted by the bytes they stand for) and writes this summary
beside the .jfr. Tables: execution samples by thread (Java name), by innermost frame ("self"), by
frame anywhere in the stack ("total", each method counted once per sample), allocation weight by
allocating frame and by class, and GC pauses. Frames are `Class.method` (line numbers dropped);
with -XX:+DebugNonSafepoints (run.sh adds it with --jfr) samples land on inlined methods too.
"""
import collections
import json
import re
import subprocess
import sys


def frames(event):
    stack = event["values"].get("stackTrace") or {}
    out = []
    for frame in stack.get("frames") or []:
        method = frame.get("method") or {}
        cls = (method.get("type") or {}).get("name", "?")
        out.append("%s.%s" % (cls, method.get("name", "?")))
    return out


def thread_name(event, key):
    thread = event["values"].get(key) or {}
    name = thread.get("javaName") or thread.get("osName") or "?"
    # Pool threads differ only by a number: group them.
    return re.sub(r"\d+", "N", name)


def events(path, types):
    text = subprocess.run(["jfr", "print", "--json", "--events", ",".join(types), path], check=True,
                          capture_output=True, text=True).stdout
    return json.loads(text)["recording"]["events"]


def table(title, counter, total, unit, top, fmt=lambda v: "{:,}".format(v)):
    print("### %s" % title)
    print("")
    print("| %s | share | |" % unit)
    print("|---:|---:|---|")
    for key, value in counter.most_common(top):
        print("| %s | %.1f %% | `%s` |" % (fmt(value), 100.0 * value / total if total else 0, key))
    print("")


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25

    samples = events(path, ["jdk.ExecutionSample"])
    by_thread = collections.Counter()
    self_frames = collections.Counter()
    total_frames = collections.Counter()
    for e in samples:
        f = frames(e)
        by_thread[thread_name(e, "sampledThread")] += 1
        if f:
            self_frames[f[0]] += 1
            for m in set(f):
                total_frames[m] += 1
    n = len(samples)
    print("## %s" % path)
    print("")
    print("%d execution samples." % n)
    print("")
    table("Execution samples by thread", by_thread, n, "samples", top)
    table("Hot methods, self (innermost frame)", self_frames, n, "samples", top)
    table("Hot methods, total (anywhere in the stack)", total_frames, n, "samples", top)

    allocations = events(path, ["jdk.ObjectAllocationSample"])
    by_site = collections.Counter()
    by_class = collections.Counter()
    by_alloc_thread = collections.Counter()
    weight_total = 0
    for e in allocations:
        weight = int(e["values"].get("weight") or 0)
        weight_total += weight
        f = frames(e)
        # The allocating frame, and its caller, since the innermost is often a JDK constructor.
        site = " ← ".join(f[:3]) if f else "?"
        by_site[site] += weight
        by_class[(e["values"].get("objectClass") or {}).get("name", "?")] += weight
        by_alloc_thread[thread_name(e, "eventThread")] += weight
    mb = lambda v: "{:,.1f} MB".format(v / 1e6)
    print("%d allocation samples standing for %.1f MB." % (len(allocations), weight_total / 1e6))
    print("")
    table("Allocation by thread", by_alloc_thread, weight_total, "bytes", top, mb)
    table("Allocation by site (innermost three frames)", by_site, weight_total, "bytes", top, mb)
    table("Allocation by class", by_class, weight_total, "bytes", top, mb)

    gcs = events(path, ["jdk.GarbageCollection"])
    print("### GC")
    print("")
    print("%d collections, pauses %s (as `jfr print` writes durations)." % (
        len(gcs), ", ".join(str(e["values"].get("sumOfPauses")) for e in gcs[:20]) + (" …" if len(gcs) > 20 else "")))
    print("")


if __name__ == "__main__":
    main()
